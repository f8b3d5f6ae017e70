import { Classification, Role, type Principal } from '../identity';
import { decidePolicy, parsePurpose, POLICIES, purposeCode, rolePolicy, unknownPolicies } from './policies';

const principal = (overrides: Partial<Principal> = {}): Principal => ({
  subject: 'someone',
  organisation: 'ncb-fra',
  country: 'FRA',
  roles: [],
  scopes: [],
  clearance: null,
  expiresAt: new Date(Date.now() + 60_000),
  ...overrides,
});

describe('named policies', () => {
  test.each([
    ['clearance:official_use', Classification.OFFICIAL_USE, true],
    ['clearance:restricted', Classification.OFFICIAL_USE, false],
    ['clearance:restricted', Classification.RESTRICTED, true],
    ['clearance:restricted', Classification.CONFIDENTIAL, true],
    ['clearance:confidential', Classification.RESTRICTED, false],
    ['clearance:confidential', Classification.CONFIDENTIAL, true],
  ])('%s with %s clearance → %s', (policy, clearance, expected) => {
    expect(decidePolicy(policy, { principal: principal({ clearance }), purpose: null })).toBe(expected);
  });

  test('no clearance claim passes no clearance policy', () => {
    for (const policy of ['clearance:official_use', 'clearance:restricted', 'clearance:confidential']) {
      expect(decidePolicy(policy, { principal: principal(), purpose: 'x' })).toBe(false);
    }
  });

  test('role policies need that exact role', () => {
    const analyst = principal({ roles: [Role.NCB_ANALYST] });
    expect(decidePolicy('role:ncb_analyst', { principal: analyst, purpose: null })).toBe(true);
    expect(decidePolicy('role:hub_admin', { principal: analyst, purpose: null })).toBe(false);
    expect(decidePolicy('role:border_officer', { principal: analyst, purpose: null })).toBe(false);
  });

  test('every role has a policy named after it, held by that role only', () => {
    expect(Object.values(Role).map(rolePolicy)).toEqual(['role:border_officer', 'role:ncb_analyst', 'role:partner_liaison', 'role:trainer', 'role:auditor', 'role:hub_admin']);
    for (const role of Object.values(Role)) {
      expect(decidePolicy(rolePolicy(role), { principal: principal({ roles: [role] }), purpose: null })).toBe(true);
      expect(decidePolicy(rolePolicy(role), { principal: principal({ roles: Object.values(Role).filter((r) => r !== role) }), purpose: null })).toBe(false);
    }
  });

  test('org:hub is the task force only', () => {
    expect(decidePolicy('org:hub', { principal: principal({ organisation: 'hub' }), purpose: null })).toBe(true);
    expect(decidePolicy('org:hub', { principal: principal(), purpose: null })).toBe(false);
  });

  test('anonymous callers pass nothing but the purpose check', () => {
    for (const name of Object.keys(POLICIES)) {
      expect(decidePolicy(name, { principal: null, purpose: null })).toBe(false);
    }
  });

  test('purpose needs a well-formed declared purpose', () => {
    expect(decidePolicy('purpose', { principal: principal(), purpose: parsePurpose('SUNBIRD-IV hit verification') })).toBe(true);
    expect(decidePolicy('purpose', { principal: principal(), purpose: parsePurpose(undefined) })).toBe(false);
  });

  test('an unknown policy is denied and reported', () => {
    expect(decidePolicy('role:superuser', { principal: principal({ roles: [Role.HUB_ADMIN] }), purpose: 'x' })).toBe(false);
    expect(unknownPolicies(['purpose', 'role:superuser', 'role:superuser', 'clearance:restricted'])).toEqual(['role:superuser']);
  });
});

describe('parsePurpose', () => {
  test.each([
    ['ANCHOR-III', 'ANCHOR-III'],
    ['case 2026/114 (hit follow-up)', 'case 2026/114 (hit follow-up)'],
    ['', null],
    ['ab', null],
    ['x'.repeat(121), null],
    ['<script>', null],
    ['line\nbreak', null],
  ])('%j → %j', (header, expected) => {
    expect(parsePurpose(header)).toBe(expected);
  });

  test('a repeated header is malformed', () => {
    expect(parsePurpose(['ANCHOR-III', 'other'])).toBeNull();
  });
});

describe('purposeCode', () => {
  test.each([
    ['ANCHOR-III hit follow-up', 'ANCHOR-III'],
    ['ANCHOR-III', 'ANCHOR-III'],
    ['TRIGGER-SALVO-II case 42: J. Doe', 'TRIGGER-SALVO-II'],
    ['case 42', null],
    ['ANCHOR-III: follow-up', null],
    ['anchor-iii follow-up', null],
    ['AB follow-up', null],
    ['test suite', null],
    [null, null],
  ])('%j → %j', (purpose, expected) => {
    expect(purposeCode(purpose)).toBe(expected);
  });

  test('never returns more than the first word', () => {
    expect(purposeCode('SUNBIRD-IV JOHN-SMITH')).toBe('SUNBIRD-IV');
  });
});
