import { temporaryDir } from '../identity.fixture';
import { loadOrCreateLocalIssuer, localIssuerTrust } from '../local-issuer';
import { Classification, Role } from '../principal';
import { main, MAX_TTL_SECONDS, parseTokenArgs, parseTtl, type CliOutput } from './token';
import { createVerifier } from '../verifier';

function errorsOf(argv: string[]): readonly string[] {
  const parsed = parseTokenArgs(argv);
  if (parsed.kind !== 'invalid') throw new Error(`accepted: ${JSON.stringify(parsed)}`);
  return parsed.errors;
}

describe('parseTtl', () => {
  it.each([
    ['30s', 30],
    ['15m', 900],
    ['1h', 3600],
    ['2d', 172800],
    ['7d', MAX_TTL_SECONDS],
    ['168h', MAX_TTL_SECONDS],
    ['8d', null],
    ['604801s', null],
    ['0s', null],
    ['1', null],
    ['1w', null],
    ['-1h', null],
    ['1.5h', null],
    ['1H', null],
    [' 1h', null],
    ['', null],
  ])('%p → %p', (text, expected) => {
    expect(parseTtl(text)).toBe(expected);
  });
});

describe('parseTokenArgs', () => {
  it('fills in the defaults', () => {
    expect(parseTokenArgs(['--org', 'ncb-fra', '--role', 'NCB_ANALYST'])).toEqual({
      kind: 'mint',
      request: {
        subject: 'demo.ncb-fra.ncb_analyst',
        organisation: 'ncb-fra',
        country: 'FRA',
        roles: [Role.NCB_ANALYST],
        scopes: [],
        clearance: null,
        ttlSeconds: 3600,
      },
    });
  });

  it('takes every option', () => {
    const parsed = parseTokenArgs([
      '--org=frontex',
      '--role',
      'PARTNER_LIAISON',
      '--role',
      'TRAINER',
      '--clearance',
      'CONFIDENTIAL',
      '--scopes',
      ' operations:read  training:read ',
      '--ttl',
      '15m',
      '--subject',
      'liaison-4',
      '--country',
      'pol',
    ]);
    expect(parsed).toEqual({
      kind: 'mint',
      request: {
        subject: 'liaison-4',
        organisation: 'frontex',
        country: 'POL',
        roles: [Role.PARTNER_LIAISON, Role.TRAINER],
        scopes: ['operations:read', 'training:read'],
        clearance: Classification.CONFIDENTIAL,
        ttlSeconds: 900,
      },
    });
  });

  it.each([
    [['--org', 'interpol', '--role', 'NCB_ANALYST'], '--org "interpol" is not a demo organisation'],
    [['--org', 'hub', '--role', 'ADMIN'], '--role "ADMIN" is not a role'],
    [['--org', 'hub', '--role', 'hub_admin'], '--role "hub_admin" is not a role'],
    [['--org', 'hub', '--role', 'HUB_ADMIN', '--clearance', 'SECRET'], '--clearance "SECRET" is not a clearance level'],
    [['--org', 'hub', '--role', 'HUB_ADMIN', '--ttl', '8d'], '--ttl "8d" is not a lifetime such as 30s, 15m, 1h or 2d up to 7d'],
    [['--org', 'hub', '--role', 'HUB_ADMIN', '--ttl', '1 hour'], '--ttl "1 hour" is not a lifetime such as 30s, 15m, 1h or 2d up to 7d'],
    [['--org', 'hub', '--role', 'HUB_ADMIN', '--country', 'FR'], '--country "FR" is not an ISO 3166-1 alpha-3 code'],
    [['--org', 'ncb-fra', '--role', 'NCB_ANALYST', '--country', 'THA'], '--country must be FRA (or left out) for ncb-fra'],
    [['--org', 'hub', '--role', 'HUB_ADMIN', '--scopes', 'a "b"'], '--scopes: ""b"" is not a valid OAuth scope'],
    [['--org', 'hub', '--role', 'HUB_ADMIN', '--subject', ' '], '--subject must not be empty'],
    [['--role', 'HUB_ADMIN'], '--org is required'],
    [['--org', 'hub'], '--role is required (at least one)'],
  ])('refuses %p', (argv, error) => {
    expect(errorsOf(argv)).toEqual([error]);
  });

  it('refuses unknown options and stray arguments', () => {
    expect(errorsOf(['--org', 'hub', '--role', 'HUB_ADMIN', '--secret', 'x'])[0]).toMatch(/--secret/);
    expect(errorsOf(['--org', 'hub', '--role', 'HUB_ADMIN', 'extra'])[0]).toMatch(/extra/);
    expect(errorsOf(['--org'])[0]).toMatch(/--org/);
  });

  it('names every bad argument at once', () => {
    expect(errorsOf(['--org', 'x', '--role', 'Y', '--clearance', 'Z', '--ttl', '0s'])).toHaveLength(4);
  });

  it('recognises --help', () => {
    expect(parseTokenArgs(['--org', 'hub', '--help'])).toEqual({ kind: 'help' });
  });
});

describe('main', () => {
  function capture(): CliOutput & { out: string; err: string } {
    const output = {
      out: '',
      err: '',
      stdout: { write: (text: string) => (output.out += text) },
      stderr: { write: (text: string) => (output.err += text) },
    };
    return output;
  }

  it('prints the token and nothing else on stdout', async () => {
    const { dir, remove } = temporaryDir();
    try {
      const output = capture();
      const code = await main(['--org', 'wco', '--role', 'PARTNER_LIAISON', '--ttl', '30s'], { SECRETS_DIR: dir }, output);
      expect(code).toBe(0);
      expect(output.err).toBe('');
      expect(output.out).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      const verifier = createVerifier([localIssuerTrust(await loadOrCreateLocalIssuer(dir))]);
      const result = await verifier.verify(output.out.trim());
      expect(result.ok && result.principal).toMatchObject({ organisation: 'wco', roles: [Role.PARTNER_LIAISON] });
    } finally {
      remove();
    }
  });

  it('exits 2 with the errors and what is accepted on stderr, nothing on stdout', async () => {
    const output = capture();
    expect(await main(['--org', 'nowhere', '--role', 'PILOT'], {}, output)).toBe(2);
    expect(output.out).toBe('');
    expect(output.err).toContain('error: --org "nowhere" is not a demo organisation');
    expect(output.err).toContain('error: --role "PILOT" is not a role');
    expect(output.err).toContain('hub, frontex, wco, iom, ncb-fra');
    expect(output.err).toContain('BORDER_OFFICER, NCB_ANALYST, PARTNER_LIAISON, TRAINER, AUDITOR, HUB_ADMIN');
  });

  it('exits 2 (could not run) when the environment is invalid', async () => {
    const output = capture();
    expect(await main(['--org', 'hub', '--role', 'HUB_ADMIN'], { SECRETS_DIR: '' }, output)).toBe(2);
    expect(output.out).toBe('');
    expect(output.err).toContain('SECRETS_DIR');
  });
});
