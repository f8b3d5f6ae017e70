import { BoundedLabel, OTHER } from './metrics';

test('a bounded label keeps the first values it sees and counts every later one as other', () => {
  const label = new BoundedLabel(2);
  expect(['A', 'B', 'A', 'C', 'B', 'D'].map((v) => label.of(v))).toEqual(['A', 'B', 'A', OTHER, 'B', OTHER]);
});
