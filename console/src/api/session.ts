/**
 * Who is signed in: the bearer token, what it says (read for display and navigation only; the hub
 * verifies it), and the purpose declared for this session. Kept in sessionStorage: closing the
 * tab signs out, and nothing outlives the browser session.
 */
export interface Session {
  token: string;
  /** Sent as `x-purpose` with every request (3–120 plain characters). */
  purpose: string;
  organisation: string;
  roles: string[];
  subject: string;
  /** When the token expires, in ms since the epoch. */
  expiresAt: number;
  /** How the token was obtained: minted by the hub's local issuer (development) or pasted. */
  source: 'development' | 'pasted';
  /** For a development token, what to mint again when it is about to expire. */
  minted?: { organisation: string; role: string; clearance: string };
}

const KEY = 'frontera-console-session';

/** The hub's rule for `x-purpose` (authorization/policies.ts): 3–120 plain characters, starting with a letter or digit. */
export const PURPOSE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._:/#()-]{2,119}$/;

/** The token's payload, without verifying it: the hub is the one that decides. */
export function readToken(token: string): Pick<Session, 'organisation' | 'roles' | 'subject' | 'expiresAt'> {
  const [, payload] = token.split('.');
  if (!payload) throw new Error('This is not a JWT (three dot-separated parts).');
  let claims: { org?: unknown; roles?: unknown; sub?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    throw new Error('The token’s payload cannot be read.');
  }
  return {
    organisation: typeof claims.org === 'string' ? claims.org : '(issuer’s organisation)',
    roles: Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [],
    subject: typeof claims.sub === 'string' ? claims.sub : '',
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 3_600_000,
  };
}

export function loadSession(): Session | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return stored && stored.expiresAt > Date.now() ? stored : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

/** Organisations and roles the development sign-in offers, from the hub (`GET /console/sign-in`). */
export interface DevelopmentIssuer {
  organisations: { code: string; name: string }[];
  roles: string[];
  clearances: string[];
}

/** What the hub offers for signing in: `null` when its local issuer is off (production): paste a token. */
export async function developmentIssuer(): Promise<DevelopmentIssuer | null> {
  const response = await fetch('/console/sign-in', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`The hub did not say how to sign in (HTTP ${response.status}).`);
  return ((await response.json()) as { developmentIssuer: DevelopmentIssuer | null }).developmentIssuer;
}

/** A token from the hub's local issuer (development only: the hub refuses this elsewhere). */
export async function mintDevelopmentToken(minted: NonNullable<Session['minted']>): Promise<string> {
  const response = await fetch('/console/dev-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(minted),
  });
  const body = (await response.json()) as { token?: string; message?: string };
  if (!response.ok || !body.token) throw new Error(body.message ?? `The hub refused to mint a token (HTTP ${response.status}).`);
  return body.token;
}
