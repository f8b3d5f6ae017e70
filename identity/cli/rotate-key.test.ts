import { UsageError } from '../../platform/cli';
import { parseRotateArgs } from './rotate-key';

describe('npm run key:rotate arguments', () => {
  it('default to a 10-minute overlap and accept durations from 2 minutes', () => {
    expect(parseRotateArgs([])).toEqual({ overlapMs: 600_000 });
    expect(parseRotateArgs(['--overlap', '2m'])).toEqual({ overlapMs: 120_000 });
    expect(parseRotateArgs(['--overlap', '1h'])).toEqual({ overlapMs: 3_600_000 });
  });

  it.each([['90s'], ['1m'], ['ten minutes'], ['8d']])('refuse an overlap of %s, saying what is accepted', (overlap) => {
    expect(() => parseRotateArgs(['--overlap', overlap])).toThrow(UsageError);
    expect(() => parseRotateArgs(['--overlap', overlap])).toThrow(/from 2m to 7d/);
  });

  it('refuse unknown options', () => {
    expect(() => parseRotateArgs(['--force'])).toThrow(UsageError);
  });
});
