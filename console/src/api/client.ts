import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import type { DocumentNode } from 'graphql';
import { isUnauthenticated } from './errors';
import { registeredBody, registeredId } from './registered';
import { mintDevelopmentToken, readToken, saveSession, type Session } from './session';

declare const __CLIENT_NAME__: string;
declare const __CLIENT_VERSION__: string;

/** The name the hub knows this client by: its trusted documents are `<name>.json`. */
export const CLIENT_NAME = __CLIENT_NAME__;

/** A development token is minted again this long before it expires. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * The console's Apollo Client. Every request carries:
 * - `authorization: Bearer <token>` (a development token is re-minted shortly before it expires;
 *   a pasted one is used until the hub answers UNAUTHENTICATED, then the sign-in asks again),
 * - `x-purpose`, the purpose declared at sign-in, which the hub records with every access,
 * - `apollographql-client-name`/`-version`, which select the console's trusted documents,
 * - the persisted-query id of a registered operation; the first request of each operation in
 *   this page also carries its text, byte for byte the registered body (see `textOnFirstUse`).
 * `errorPolicy: 'all'` everywhere: a partial answer (fields withheld with
 * UNAUTHORIZED_FIELD_OR_TYPE) keeps its data, and each view shows what was withheld.
 */
export function createClient(
  getSession: () => Session,
  on: { refreshed(session: Session): void; unauthenticated(): void },
): ApolloClient {
  const auth = new SetContextLink(async (prevContext) => {
    let session = getSession();
    if (session.minted && session.expiresAt - Date.now() < REFRESH_MARGIN_MS) {
      const token = await mintDevelopmentToken(session.minted);
      session = { ...session, token, ...readToken(token) };
      saveSession(session);
      on.refreshed(session);
    }
    return {
      headers: {
        ...prevContext.headers,
        authorization: `Bearer ${session.token}`,
        'x-purpose': session.purpose,
        'apollographql-client-name': CLIENT_NAME,
        'apollographql-client-version': __CLIENT_VERSION__,
      },
    };
  });
  // A token the hub no longer accepts (expired, revoked key): back to the sign-in.
  const signedOut = new ErrorLink(({ error }) => {
    if (isUnauthenticated(error)) on.unauthenticated();
  });
  const persisted = new PersistedQueryLink({ generateHash: registeredId });
  /*
   * The first request of each operation sends its registered text with the id: a hub enforcing
   * trusted documents admits it (same text as its manifest), and one without stores it
   * (automatic persisted queries) instead of answering PERSISTED_QUERY_NOT_FOUND, a refusal
   * that would land in the access log once per operation. Later requests send the id alone; if
   * the hub restarted meanwhile, PersistedQueryLink sends the text again when asked.
   */
  const sentOnce = new Set<string>();
  const textOnFirstUse = new ApolloLink((operation, forward) => {
    const name = operation.operationName;
    if (name && !sentOnce.has(name)) {
      sentOnce.add(name);
      operation.setContext(({ http }: { http?: Record<string, unknown> }) => ({ http: { ...http, includeQuery: true } }));
    }
    return forward(operation);
  });
  const http = new HttpLink({ uri: '/graphql', print: (node) => registeredBody(node as DocumentNode) });
  return new ApolloClient({
    link: ApolloLink.from([signedOut, auth, persisted, textOnFirstUse, http]),
    cache: new InMemoryCache(),
    defaultOptions: {
      watchQuery: { errorPolicy: 'all', fetchPolicy: 'cache-and-network' },
      query: { errorPolicy: 'all' },
      mutate: { errorPolicy: 'all' },
    },
  });
}
