import { useEffect, useState, type FormEvent } from 'react';
import { developmentIssuer, mintDevelopmentToken, PURPOSE_PATTERN, readToken, type DevelopmentIssuer, type Session } from '../api/session';

/**
 * Sign-in. In development the hub's local issuer mints a token for the organisation and role
 * picked here; elsewhere a token from the organisation's issuer is pasted. Either way the
 * purpose of use is asked: the hub records it with every access.
 */
export function SignIn({ onSignIn, reason }: { onSignIn: (session: Session) => void; reason?: string }) {
  const [issuer, setIssuer] = useState<DevelopmentIssuer | null | undefined>(undefined);
  const [organisation, setOrganisation] = useState('hub');
  const [role, setRole] = useState('AUDITOR');
  const [clearance, setClearance] = useState('RESTRICTED');
  const [token, setToken] = useState('');
  const [purpose, setPurpose] = useState('');
  const [problem, setProblem] = useState(reason ?? '');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    developmentIssuer().then(setIssuer, () => setIssuer(null));
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!PURPOSE_PATTERN.test(purpose)) return setProblem('The purpose must be 3 to 120 characters: letters, digits, spaces and . _ : / # ( ) -, starting with a letter or digit (for example “ANCHOR-III hit follow-up”).');
    setBusy(true);
    try {
      const minted = issuer ? { organisation, role, clearance } : undefined;
      const bearer = minted ? await mintDevelopmentToken(minted) : token.trim().replace(/^Bearer\s+/i, '');
      onSignIn({ token: bearer, purpose, ...readToken(bearer), source: minted ? 'development' : 'pasted', minted });
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <h1>Frontera console</h1>
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        {issuer === undefined && <p role="status">Asking the hub how to sign in…</p>}
        {issuer && (
          <>
            <p className="hint">Development hub: its local issuer mints a token for the organisation and role you pick.</p>
            <label>
              Organisation
              <select name="organisation" value={organisation} onChange={(e) => setOrganisation(e.target.value)}>
                {issuer.organisations.map((o) => <option key={o.code} value={o.code}>{o.code} — {o.name}</option>)}
              </select>
            </label>
            <label>
              Role
              <select name="role" value={role} onChange={(e) => setRole(e.target.value)}>
                {issuer.roles.map((r) => <option key={r}>{r}</option>)}
              </select>
            </label>
            <label>
              Clearance
              <select name="clearance" value={clearance} onChange={(e) => setClearance(e.target.value)}>
                {issuer.clearances.map((c) => <option key={c}>{c}</option>)}
              </select>
            </label>
          </>
        )}
        {issuer === null && (
          <label>
            Token from your organisation’s issuer
            <textarea name="token" value={token} onChange={(e) => setToken(e.target.value)} required rows={4} autoComplete="off" spellCheck={false} />
          </label>
        )}
        <label>
          Purpose of use
          <input name="purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} required placeholder="ANCHOR-III hit follow-up" aria-describedby="purpose-hint" />
        </label>
        <p id="purpose-hint" className="hint">
          Sent with every request and recorded in the access log. Start it with an operation’s code so data owners can see why their records were read.
        </p>
        {problem && <p role="alert" className="problems">{problem}</p>}
        <button type="submit" disabled={busy || issuer === undefined}>Sign in</button>
      </form>
    </main>
  );
}
