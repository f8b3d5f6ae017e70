import { isMutationCall, RETRY_RESERVE, RetryBudget } from './subgraph-fetch';

describe('isMutationCall', () => {
  test.each([
    ['{"query":"query Op__operations__0{operations(first:1){edges{node{code}}}}"}', false],
    ['{"query":"{ __typename }"}', false],
    ['{"query":"query($representations:[_Any!]!){_entities(representations:$representations){...on Operation{wco{seizureCount}}}}","variables":{"representations":[]}}', false],
    ['{"variables":{"query":"query x"},"query":"mutation($input:X!){createOperation(input:$input){id}}"}', true],
    ['{"query":"subscription { x }"}', true],
    ['not json', true],
    ['{"variables":{}}', true],
  ])('%s → %s', (body, mutation) => {
    expect(isMutationCall(body)).toBe(mutation);
  });
});

describe('RetryBudget', () => {
  test('spends its reserve, then one retry per 1/ratio calls', () => {
    const budget = new RetryBudget(0.1);
    let spent = 0;
    while (budget.spend()) spent += 1;
    expect(spent).toBe(RETRY_RESERVE);
    for (let i = 0; i < 100; i++) {
      budget.called();
      if (budget.spend()) spent += 1;
    }
    expect(spent).toBeGreaterThanOrEqual(RETRY_RESERVE + 9);
    expect(spent).toBeLessThanOrEqual(RETRY_RESERVE + 10);
  });
});
