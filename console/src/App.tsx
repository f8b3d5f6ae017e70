import { ApolloProvider } from '@apollo/client/react';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { createClient } from './api/client';
import { loadSession, saveSession, type Session } from './api/session';
import { useHashRoute } from './ui/common';
import { AccessLog } from './views/AccessLog';
import { Hits } from './views/Hits';
import { OperationList, OperationPage } from './views/Operations';
import { SignIn } from './views/SignIn';
import { TrainingSessions } from './views/Training';

interface View {
  route: string;
  label: string;
  render: () => ReactNode;
}

/** The views a session's roles open, first one shown at sign-in. */
function viewsFor(roles: string[]): View[] {
  const views: View[] = [];
  const has = (role: string) => roles.includes(role);
  if (has('AUDITOR')) views.push({ route: 'log', label: 'Access log', render: () => <AccessLog owner={false} /> });
  if (has('PARTNER_LIAISON')) views.push({ route: 'owner-log', label: 'Who read our records', render: () => <AccessLog owner /> });
  if (has('NCB_ANALYST')) views.push({ route: 'hits', label: 'Hits on our alerts', render: () => <Hits canDecide /> });
  if (has('BORDER_OFFICER') || has('HUB_ADMIN')) views.push({ route: 'hits', label: 'Hits', render: () => <Hits canDecide={false} /> });
  views.push({ route: 'operations', label: 'Operations', render: () => <OperationList /> });
  views.push({ route: 'training', label: 'Training sessions', render: () => <TrainingSessions /> });
  return views;
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [signedOutBecause, setSignedOutBecause] = useState<string>();
  const current = useRef(session);
  current.current = session;
  const signOut = (why?: string) => {
    saveSession(null);
    setSignedOutBecause(why);
    setSession(null);
  };
  // One client per signed-in person and purpose: a refreshed token keeps the client and its cache.
  const client = useMemo(
    () => (session ? createClient(() => current.current!, { refreshed: setSession, unauthenticated: () => signOut('The hub no longer accepts your token: sign in again.') }) : null),
    [session?.subject, session?.organisation, session?.purpose],
  );
  const [route, go] = useHashRoute();

  if (!session || !client) {
    return (
      <SignIn
        reason={signedOutBecause}
        onSignIn={(s) => {
          saveSession(s);
          setSignedOutBecause(undefined);
          setSession(s);
        }}
      />
    );
  }
  const views = viewsFor(session.roles);
  const [section, argument] = route.split('/');
  const view = views.find((v) => v.route === section) ?? views[0];
  return (
    <ApolloProvider client={client}>
      <header className="top">
        <h1>Frontera console</h1>
        <p className="who">
          {session.organisation} · {session.roles.join(', ')} · purpose “{session.purpose}”
        </p>
        <button type="button" className="secondary" onClick={() => signOut()}>Sign out</button>
      </header>
      <nav aria-label="Views">
        <ul>
          {views.map((v) => (
            <li key={v.route}>
              <a href={`#/${v.route}`} aria-current={v === view ? 'page' : undefined} onClick={() => go(v.route)}>
                {v.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main">{section === 'operations' && argument ? <OperationPage code={argument} /> : view.render()}</main>
    </ApolloProvider>
  );
}
