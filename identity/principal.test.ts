import type { JWTPayload } from 'jose';
import { Classification, clearanceAtLeast, nationalCountryOf, principalFromClaims, Role, type Principal } from './principal';
import { Refusal } from './refusal';

const exp = 2_000_000_000;

function principalOf(payload: JWTPayload, trusted: string | readonly string[] = 'frontex'): Principal {
  const result = principalFromClaims(payload, trusted);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.principal;
}

describe('principalFromClaims', () => {
  it('maps the claims of a partner token', () => {
    expect(
      principalOf({
        sub: 'officer-17',
        org: 'frontex',
        country: 'pol',
        roles: ['BORDER_OFFICER', 'TRAINER'],
        scope: 'operations:read training:read',
        clearance: 'RESTRICTED',
        jti: 'token-1',
        exp,
      }),
    ).toEqual({
      subject: 'officer-17',
      organisation: 'frontex',
      country: 'POL',
      roles: [Role.BORDER_OFFICER, Role.TRAINER],
      scopes: ['operations:read', 'training:read'],
      clearance: Classification.RESTRICTED,
      tokenId: 'token-1',
      expiresAt: new Date(exp * 1000),
    });
  });

  it('takes the organisation from the issuer when the token does not name it', () => {
    expect(principalOf({ sub: 'a', exp }, 'wco').organisation).toBe('wco');
  });

  it("refuses a token whose org disagrees with its issuer's organisation", () => {
    expect(principalFromClaims({ sub: 'a', org: 'wco', exp }, 'frontex')).toEqual({ ok: false, reason: Refusal.organisationMismatch });
    expect(principalFromClaims({ sub: 'a', org: ['frontex'], exp }, 'frontex')).toEqual({ ok: false, reason: Refusal.organisationMismatch });
  });

  it('accepts from a multi-organisation issuer only an org it vouches for, and only when named', () => {
    const trusted = ['hub', 'ncb-fra'];
    expect(principalOf({ sub: 'a', org: 'ncb-fra', exp }, trusted).organisation).toBe('ncb-fra');
    expect(principalFromClaims({ sub: 'a', org: 'frontex', exp }, trusted)).toEqual({ ok: false, reason: Refusal.organisationMismatch });
    expect(principalFromClaims({ sub: 'a', exp }, trusted)).toEqual({ ok: false, reason: Refusal.noOrganisation });
  });

  it('drops unknown, duplicated and non-string roles instead of trusting them', () => {
    const principal = principalOf({ sub: 'a', roles: ['NCB_ANALYST', 'SUPERUSER', 'ncb_analyst', 7, null, 'NCB_ANALYST'], exp });
    expect(principal.roles).toEqual([Role.NCB_ANALYST]);
    expect(principalOf({ sub: 'a', roles: 'HUB_ADMIN', exp }, 'hub').roles).toEqual([]);
  });

  it('grants HUB_ADMIN only to the hub organisation', () => {
    expect(principalOf({ sub: 'a', roles: ['HUB_ADMIN', 'AUDITOR'], exp }, 'frontex').roles).toEqual([Role.AUDITOR]);
    expect(principalOf({ sub: 'a', roles: ['HUB_ADMIN'], exp }, 'hub').roles).toEqual([Role.HUB_ADMIN]);
  });

  it.each([['TOP_SECRET'], ['restricted'], [2], [['CONFIDENTIAL']], ['constructor']])('drops the clearance %p', (clearance) => {
    expect(principalOf({ sub: 'a', clearance, exp }).clearance).toBeNull();
  });

  it('merges `scope` and `scopes`, dropping invalid scope tokens', () => {
    const principal = principalOf({ sub: 'a', scope: 'a:read  b:write', scopes: ['b:write', 'c', 'with space', 'quote"', 3], exp });
    expect(principal.scopes).toEqual(['a:read', 'b:write', 'c']);
  });

  it("gives a national central bureau its country and refuses another one", () => {
    expect(principalOf({ sub: 'a', org: 'ncb-fra', exp }, 'ncb-fra').country).toBe('FRA');
    expect(principalOf({ sub: 'a', org: 'ncb-fra', country: 'FRA', exp }, 'ncb-fra').country).toBe('FRA');
    expect(principalFromClaims({ sub: 'a', org: 'ncb-fra', country: 'THA', exp }, 'ncb-fra')).toEqual({
      ok: false,
      reason: Refusal.countryMismatch,
    });
  });

  it('drops a country that is not an alpha-3 code', () => {
    expect(principalOf({ sub: 'a', country: 'FR', exp }).country).toBeNull();
    expect(principalOf({ sub: 'a', country: 'F1A', exp }).country).toBeNull();
  });

  it('refuses claims without a subject or an expiry', () => {
    expect(principalFromClaims({ exp }, 'wco')).toEqual({ ok: false, reason: Refusal.noSubject });
    expect(principalFromClaims({ sub: ' ', exp }, 'wco')).toEqual({ ok: false, reason: Refusal.noSubject });
    expect(principalFromClaims({ sub: 'a' }, 'wco')).toEqual({ ok: false, reason: Refusal.noExpiry });
  });

  it('returns a frozen principal, so no resolver can widen it', () => {
    const principal = principalOf({ sub: 'a', roles: ['TRAINER'], exp });
    expect(Object.isFrozen(principal)).toBe(true);
    expect(() => (principal.roles as Role[]).push(Role.HUB_ADMIN)).toThrow(TypeError);
  });
});

describe('clearanceAtLeast', () => {
  it.each([
    [Classification.CONFIDENTIAL, Classification.RESTRICTED, true],
    [Classification.RESTRICTED, Classification.RESTRICTED, true],
    [Classification.OFFICIAL_USE, Classification.RESTRICTED, false],
    [Classification.RESTRICTED, Classification.CONFIDENTIAL, false],
    [null, Classification.OFFICIAL_USE, false],
    ['TOP_SECRET' as Classification, Classification.OFFICIAL_USE, false],
  ])('%p meets %p: %p', (have, need, expected) => {
    expect(clearanceAtLeast(have, need)).toBe(expected);
  });
});

describe('nationalCountryOf', () => {
  it('reads the country of ncb-<iso3> codes only', () => {
    expect(nationalCountryOf('ncb-tha')).toBe('THA');
    expect(nationalCountryOf('frontex')).toBeNull();
    expect(nationalCountryOf('ncb-fr')).toBeNull();
  });
});
