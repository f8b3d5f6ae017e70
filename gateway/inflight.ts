import { GraphQLError } from 'graphql';
import { Headers, Response } from 'node-fetch';

/**
 * Merging of identical in-flight subgraph query calls (what Hive Gateway calls
 * `deduplicateInflightRequests` and Apollo Router `deduplicate_query`), made safe for a hub whose
 * subgraphs answer each caller with the records released to it.
 *
 * Two calls are merged only when everything that decides what the subgraph may return is the same
 * (see {@link coalescingKey}): the subgraph (its URL), the subgraph token, which the gateway signs
 * per client token, subgraph and purpose and which carries the caller's subject, organisation,
 * roles, scopes and purpose as the subgraph sees them, every other header, and the body's bytes
 * (document, operation name, variables). What differs per call is left out: the request id and
 * the call proof, which the shared call carries for its first caller only (the proof binds the
 * token, request id and body; the subgraph checks it once, and the token and body are the same
 * for every merged call). Only queries are merged, and only those of a request that is itself a
 * query; a mutation or anything unrecognised is sent as it came.
 */

/** A subgraph answer read whole, so that every waiter parses its own copy (nothing mutable is shared). */
interface ReadAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: [string, string][];
  readonly body: Buffer;
}

interface Flight {
  readonly answer: Promise<ReadAnswer>;
  /** Aborts the shared call: only once every waiter has gone. */
  readonly controller: AbortController;
  waiters: number;
}

/**
 * Set by the data source on the calls of a request that is not a query (the reads that follow a
 * mutation's write included: they must see that write); such a call is never merged. Internal:
 * the fetcher takes it off before the call is sent.
 */
export const SEND_ALONE_HEADER = 'x-frontera-send-alone';

/** Headers that differ per call and are proved per call: never part of the key, never shared. */
const PER_CALL_HEADERS = new Set(['x-request-id', 'x-frontera-call', 'traceparent', 'tracestate']);

// The gateway sends one operation per call and prints it itself, keyword first (no comment, no
// leading space): a query is `query …` or `{ … }`. Anything else is not merged, so an unexpected
// body shape fails safe.
const QUERY_BODY = /^\{"query":"(?:query\b|\{)/;

/**
 * The key under which a call to `url` may be merged with others, or `null` when it must go alone:
 * not a query, not a string body, or no subgraph token (no caller identity to key on).
 */
export function coalescingKey(url: string, headers: Record<string, string> | undefined, body: unknown): string | null {
  if (typeof body !== 'string' || !QUERY_BODY.test(body) || !headers?.authorization || headers[SEND_ALONE_HEADER] !== undefined) return null;
  let key = url;
  // @apollo/gateway passes the headers as a plain object built from sorted, lower-case Headers.
  for (const name of Object.keys(headers).sort()) {
    if (!PER_CALL_HEADERS.has(name)) key += `\n${name}: ${headers[name]}`;
  }
  return `${key}\n\n${body}`;
}

/** An error as one waiter receives it: a GraphQLError is copied, since the gateway may decorate it per request. */
function ownError(error: unknown): unknown {
  if (!(error instanceof GraphQLError)) return error;
  return new GraphQLError(error.message, { extensions: { ...error.extensions }, originalError: error.originalError });
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

export interface InflightCalls {
  /**
   * Runs `call` for `key`, or joins the identical call in flight. `call` gets the shared call's
   * signal, aborted only when every waiter's own `signal` has aborted. The returned Response is
   * this waiter's own copy. `fallback`, when the shared call failed and says this waiter should
   * try on its own (its own time budget, say, is not spent), is called instead of handing it
   * the failure; `joinedAt` is when this waiter joined (performance.now()).
   */
  run(
    key: string,
    signal: AbortSignal | undefined,
    call: (signal: AbortSignal) => Promise<Response>,
    fallback?: (error: unknown, joinedAt: number) => Promise<Response> | null,
  ): Promise<Response>;
  /**
   * A write (a call of a mutation request) has ended: calls already in flight may have read
   * before it, so none is joined from now on (their waiters keep them). A caller reads its own
   * writes.
   */
  wrote(): void;
  /** Calls in flight (for tests). */
  readonly size: number;
}

/** The merger of one subgraph's calls; `onCoalesced` is told of each call that joined another instead of being sent. */
export function inflightCalls(onCoalesced?: () => void): InflightCalls {
  const flights = new Map<string, Flight>();

  const start = (key: string, call: (signal: AbortSignal) => Promise<Response>): Flight => {
    const controller = new AbortController();
    const answer = call(controller.signal).then(async (response) => ({
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers.entries()],
      body: await response.buffer(),
    }));
    const flight: Flight = { answer, controller, waiters: 0 };
    // Only in flight: a call that has ended is never an answer for a later one.
    const land = () => {
      if (flights.get(key) === flight) flights.delete(key);
    };
    answer.then(land, land);
    flights.set(key, flight);
    return flight;
  };

  /** This waiter's share of the flight: its own copy, or its own abort, whichever comes first. */
  const wait = (flight: Flight, key: string, signal: AbortSignal | undefined): Promise<ReadAnswer> => {
    if (!signal) return flight.answer;
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise<ReadAnswer>((resolve, reject) => {
      const leave = () => {
        reject(abortError(signal));
        if (--flight.waiters === 0) {
          // Nobody waits any more: the call is dropped, and a later caller starts a new one.
          if (flights.get(key) === flight) flights.delete(key);
          flight.controller.abort();
        }
      };
      signal.addEventListener('abort', leave, { once: true });
      flight.answer.then(
        (answer) => {
          signal.removeEventListener('abort', leave);
          resolve(answer);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(error);
        },
      );
    });
  };

  return {
    get size() {
      return flights.size;
    },
    wrote() {
      flights.clear();
    },
    async run(key, signal, call, fallback) {
      // A caller already gone neither starts nor joins a call (it would count as a waiter forever).
      if (signal?.aborted) throw abortError(signal);
      const existing = flights.get(key);
      const joined = existing !== undefined;
      if (joined) onCoalesced?.();
      const flight = existing ?? start(key, call);
      flight.waiters++;
      const joinedAt = performance.now();
      let answer: ReadAnswer;
      try {
        answer = await wait(flight, key, signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        // Only a waiter that joined a call already under way may try alone: the one that started
        // it spent its own budget (a timer can fire before its nominal time by the wall clock, so
        // its "time left" is not always zero), and a second try would count against the breaker
        // twice.
        const alone = joined ? fallback?.(error, joinedAt) : null;
        if (alone) return alone;
        throw ownError(error);
      }
      return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: new Headers(answer.headers) });
    },
  };
}
