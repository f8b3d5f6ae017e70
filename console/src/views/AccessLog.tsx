import { useApolloClient, useQuery } from '@apollo/client/react';
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { AccessEventsQuery, AuditSampleQuery, WhoAccessedQuery } from '../api/operations';
import type { AccessEventFilter, AccessOutcome, ConsoleAccessEventsQuery } from '../gql/graphql';
import { problemsOf } from '../api/errors';
import { BarChart, countBy, formatTime, Loading, Problems, Value, Withheld } from '../ui/common';

type AccessEvent = ConsoleAccessEventsQuery['accessEvents']['edges'][number]['node'];

const OUTCOMES: AccessOutcome[] = ['OK', 'PARTIAL', 'REFUSED', 'ERROR', 'ATTEMPTED'];
const ORGANISATIONS = ['hub', 'frontex', 'wco', 'iom', 'ncb-fra', 'ncb-tha', 'ncb-deu', 'ncb-ita', 'ncb-esp', 'ncb-mar', 'ncb-tur', 'ncb-nga'];
const ROLES = ['BORDER_OFFICER', 'NCB_ANALYST', 'PARTNER_LIAISON', 'TRAINER', 'AUDITOR', 'HUB_ADMIN'];
const PAGE = 25;

/** What the filter form holds: the API's filter plus two conditions the API has no argument for. */
interface Filters {
  organisation: string;
  outcome: string;
  purpose: string;
  fieldCoordinate: string;
  recordType: string;
  recordId: string;
  from: string;
  to: string;
  role: string;
  refusalCode: string;
}

const EMPTY: Filters = { organisation: '', outcome: '', purpose: '', fieldCoordinate: '', recordType: '', recordId: '', from: '', to: '', role: '', refusalCode: '' };

/** The API filter for the form: a data owner may filter only on what its view shows (others are refused with FORBIDDEN). */
function apiFilter(f: Filters, owner: boolean): AccessEventFilter {
  const filter: AccessEventFilter = {};
  if (f.organisation) filter.organisation = f.organisation;
  if (f.from) filter.from = new Date(f.from).toISOString();
  if (f.to) filter.to = new Date(f.to).toISOString();
  if (f.recordType && f.recordId) filter.entity = { type: f.recordType, id: f.recordId };
  if (f.role) filter.role = f.role;
  if (owner) {
    if (f.purpose) filter.purposeCode = f.purpose;
    return filter;
  }
  if (f.outcome) filter.outcome = f.outcome as AccessOutcome;
  if (f.purpose) filter.purpose = f.purpose;
  if (f.fieldCoordinate) filter.fieldCoordinate = f.fieldCoordinate;
  if (f.refusalCode) filter.refusalCode = f.refusalCode;
  return filter;
}

/**
 * The access log as a timeline. For an auditor: every event in full, the filters, charts and
 * export. For a data owner (partner liaison): the owner's view, in which the hub leaves out who
 * exactly asked and why; those fields show as withheld.
 */
export function AccessLog({ owner }: { owner: boolean }) {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [selected, setSelected] = useState<number | null>(null);
  const [record, setRecord] = useState<{ type: string; id: string } | null>(null);
  const filter = useMemo(() => apiFilter(filters, owner), [filters, owner]);
  const { data, error, loading, fetchMore } = useQuery(AccessEventsQuery, { variables: { filter, first: PAGE } });
  const events = (data?.accessEvents.edges ?? []).map((e) => e.node);
  const chosen = selected === null ? undefined : events[selected];

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setSelected(null);
    setFilters(draft);
  };
  const field = (name: keyof Filters, label: string, input: 'text' | 'datetime-local' = 'text', hint?: string) => (
    <label>
      {label}
      <input type={input} name={name} value={draft[name]} placeholder={hint} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} />
    </label>
  );
  const choice = (name: keyof Filters, label: string, options: string[]) => (
    <label>
      {label}
      <select name={name} value={draft[name]} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  );

  return (
    <section aria-labelledby="log-title">
      <h2 id="log-title">{owner ? 'Who read our records' : 'Access log'}</h2>
      {owner && (
        <p className="hint">
          The hub shows a data owner which organisation read which of its records, when, and the purpose’s operation code. Who exactly asked and the rest of the purpose are for auditors: they show as <Withheld />.
        </p>
      )}
      <form className="filters" onSubmit={apply} aria-label="Filter events">
        {choice('organisation', 'Organisation', ORGANISATIONS)}
        {choice('role', 'Role', ROLES)}
        {!owner && choice('outcome', 'Outcome', OUTCOMES)}
        {!owner && field('refusalCode', 'Refusal code', 'text', 'UNAUTHENTICATED')}
        {field('purpose', owner ? 'Purpose code' : 'Purpose', 'text', owner ? 'ANCHOR-III' : 'exact purpose')}
        {!owner && field('fieldCoordinate', 'Field coordinate', 'text', 'Query.hits')}
        {field('recordType', 'Record type', 'text', 'DocumentAlert')}
        {field('recordId', 'Record id')}
        {field('from', 'From (your time)', 'datetime-local')}
        {field('to', 'To (your time)', 'datetime-local')}
        <div className="actions">
          <button type="submit">Apply filters</button>
          <button type="button" className="secondary" onClick={() => { setDraft(EMPTY); setFilters(EMPTY); setSelected(null); }}>
            Clear
          </button>
        </div>
      </form>
      <Problems error={error} />
      {!owner && <Export filter={filter} />}
      <div className="split">
        <div>
          <p className="count" aria-live="polite">
            {data ? `${data.accessEvents.totalCount} events match` : ''}
          </p>
          {loading && !data ? <Loading label="Loading events" /> : null}
          <ol className="timeline" aria-label="Events, newest first">
            {events.map((e, i) => (
              <li key={`${e.time}-${e.requestId ?? i}-${i}`}>
                <button type="button" className={i === selected ? 'event selected' : 'event'} aria-pressed={i === selected} onClick={() => setSelected(i)}>
                  <time dateTime={e.time}>{formatTime(e.time)}</time>
                  <span className="who">
                    {e.principal?.organisation ?? 'anonymous'} {e.principal?.roles.join(', ')}
                  </span>
                  <span className="what">{owner ? countBy(e.records.map((r) => r.type)).map(([type, n]) => (n > 1 ? `${n} × ${type}` : type)).join(', ') : (e.operationName ?? e.receivedBy)}</span>
                  {e.outcome && <span className={`badge ${e.outcome.toLowerCase()}`}>{e.outcome}</span>}
                  {e.refusalCode && <code>{e.refusalCode}</code>}
                  {owner && e.purposeCode && <span className="badge">{e.purposeCode}</span>}
                </button>
              </li>
            ))}
          </ol>
          {data?.accessEvents.pageInfo.hasNextPage && (
            <button type="button" className="secondary" onClick={() => fetchMore({ variables: { after: data.accessEvents.pageInfo.endCursor }, updateQuery: (prev, { fetchMoreResult }) => ({ ...prev, accessEvents: { ...fetchMoreResult.accessEvents, edges: [...prev.accessEvents.edges, ...fetchMoreResult.accessEvents.edges] } }) })}>
              Load more
            </button>
          )}
        </div>
        <div>
          {chosen ? <EventDetails event={chosen} owner={owner} onRecord={setRecord} /> : <p className="hint">Choose an event to see its details.</p>}
          {record && <WhoAccessed record={record} owner={owner} />}
        </div>
      </div>
      {!owner && <Charts filter={filter} />}
    </section>
  );
}

function EventDetails({ event: e, owner, onRecord }: { event: AccessEvent; owner: boolean; onRecord: (r: { type: string; id: string }) => void }) {
  // In the owner's view these are null or empty by design: withheld, not missing.
  const held = (v: unknown) => owner && (v === null || (Array.isArray(v) && v.length === 0));
  const row = (label: string, value: unknown, shown = value as ReactNode) => (
    <>
      <dt>{label}</dt>
      <dd>
        <Value value={value === null || value === undefined ? null : shown} withheld={held(value)} />
      </dd>
    </>
  );
  return (
    <article className="details" aria-labelledby="event-title">
      <h3 id="event-title" tabIndex={-1}>
        Event of {formatTime(e.time)}
      </h3>
      <dl>
        {row('Received by', e.receivedBy)}
        {row('Subject', e.principal?.subject ?? null)}
        {row('Organisation', e.principal?.organisation ?? null)}
        {row('Roles', e.principal?.roles.join(', ') || null)}
        {row('Purpose', e.purpose)}
        {row('Purpose code', e.purposeCode)}
        {row('Operation', e.operationName)}
        {row('Type', e.operationType)}
        {row('Outcome', e.outcome)}
        {row('Refusal code', e.refusalCode)}
        {row('Client', e.clientName, `${e.clientName} ${e.clientVersion ?? ''}`)}
        {row('Duration', e.durationMs, `${e.durationMs} ms`)}
        {row('Request id', e.requestId, <code>{e.requestId}</code>)}
        {row('Document hash', e.documentHash, <code className="hash">{e.documentHash}</code>)}
        {row('Subgraphs', e.subgraphs, e.subgraphs.join(', '))}
        {row('Chain position', e.chain, e.chain && <><code className="hash">{e.chain.chainId}</code> #{e.chain.seq}, recorded {formatTime(e.chain.recordedAt)}</>)}
      </dl>
      <h4>Fields selected</h4>
      {e.fieldCoordinates.length ? <ul className="codes">{e.fieldCoordinates.map((c) => <li key={c}><code>{c}</code></li>)}</ul> : <p><Value value={null} withheld={owner} /></p>}
      <h4>Denied paths</h4>
      {e.denied.length ? (
        <ul className="codes">{e.denied.map((d) => <li key={d.path}><code>{d.path}</code> {d.coordinate && <code>{d.coordinate}</code>} — {d.rule}</li>)}</ul>
      ) : (
        <p><Value value={owner ? null : 'none'} withheld={owner} /></p>
      )}
      <h4>Records returned</h4>
      {e.records.length ? (
        <ul className="records">
          {e.records.map((r) => (
            <li key={`${r.type}:${r.id}`}>
              {r.type} <code>{r.id}</code> owned by {r.owner ?? '–'}{' '}
              <button type="button" className="link" onClick={() => onRecord({ type: r.type, id: r.id })}>
                who accessed this record
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p>none</p>
      )}
    </article>
  );
}

function WhoAccessed({ record, owner }: { record: { type: string; id: string }; owner: boolean }) {
  const { data, error, loading } = useQuery(WhoAccessedQuery, { variables: { ...record, first: 50 } });
  return (
    <section className="details" aria-label={`Who accessed ${record.type} ${record.id}`}>
      <h3>
        Who accessed {record.type} <code>{record.id}</code>
      </h3>
      <Problems error={error} />
      {loading && !data && <Loading />}
      {data && (
        <table>
          <caption>{data.whoAccessed.totalCount} events</caption>
          <thead>
            <tr><th scope="col">When</th><th scope="col">Organisation</th><th scope="col">Subject</th><th scope="col">Purpose</th></tr>
          </thead>
          <tbody>
            {data.whoAccessed.edges.map(({ node: e }, i) => (
              <tr key={i}>
                <td>{formatTime(e.time)}</td>
                <td>{e.principal?.organisation}</td>
                <td><Value value={e.principal?.subject} withheld={owner} /></td>
                <td>{owner ? (e.purposeCode ?? <Withheld />) : e.purpose}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const SAMPLE = 100;

/** Charts over the newest events of the current filter (the API has no aggregates over the log: a bounded sample, counted here). */
function Charts({ filter }: { filter: AccessEventFilter }) {
  const { data, error } = useQuery(AuditSampleQuery, { variables: { filter, first: SAMPLE } });
  // A partial answer (withheld fields, a slow subgraph) is still charted, its problems beside it.
  if (!data) return <Problems error={error} />;
  const events = data.accessEvents.edges.map((e) => e.node);
  const days = [...new Set(events.map((e) => e.time.slice(0, 10)))].sort();
  const organisations = countBy(events.map((e) => e.principal?.organisation ?? 'anonymous'), 12).map(([o]) => o);
  return (
    <section aria-labelledby="charts-title" className="charts">
      <h3 id="charts-title">
        The newest {events.length} of {data.accessEvents.totalCount} matching events
      </h3>
      <Problems error={error} />
      <DayGrid days={days} organisations={organisations} count={(o, d) => events.filter((e) => (e.principal?.organisation ?? 'anonymous') === o && e.time.startsWith(d)).length} />
      <BarChart title="Refusals by code" data={countBy(events.flatMap((e) => (e.refusalCode ? [e.refusalCode] : [])))} />
      <BarChart title="Top accessed record types" data={countBy(events.flatMap((e) => e.records.map((r) => r.type)))} />
      <ChainStatus events={events} contiguous={Object.keys(filter).length === 0} />
    </section>
  );
}

/**
 * The chains of the sampled events: each writer's newest position seen, and, without a filter
 * (the sample is then the newest events of every chain), gaps between consecutive positions.
 * The API exposes no verification result: `npm run audit:verify` checks signatures and anchors.
 */
function ChainStatus({ events, contiguous }: { events: { chain?: { chainId: string; seq: number; recordedAt: string } | null }[]; contiguous: boolean }) {
  const chains = new Map<string, { seqs: number[]; newest: string }>();
  for (const { chain } of events) {
    if (!chain) continue;
    const entry = chains.get(chain.chainId) ?? { seqs: [], newest: chain.recordedAt };
    entry.seqs.push(chain.seq);
    if (chain.recordedAt > entry.newest) entry.newest = chain.recordedAt;
    chains.set(chain.chainId, entry);
  }
  const gapsOf = (seqs: number[]) => {
    const sorted = [...seqs].sort((a, b) => a - b);
    return sorted.slice(1).filter((seq, i) => seq !== sorted[i] + 1).length;
  };
  return (
    <figure className="chart">
      <figcaption>Chain heads in this sample</figcaption>
      <table>
        <thead>
          <tr><th scope="col">Chain</th><th scope="col">Newest seq</th><th scope="col">Recorded</th><th scope="col">Gaps</th></tr>
        </thead>
        <tbody>
          {[...chains].map(([id, c]) => (
            <tr key={id}>
              <td><code title={id}>{id.slice(0, 8)}</code></td>
              <td>{Math.max(...c.seqs)}</td>
              <td>{formatTime(c.newest)}</td>
              <td>{contiguous ? gapsOf(c.seqs) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">Signatures and anchors are checked by <code>npm run audit:verify</code> on the hub’s host.</p>
    </figure>
  );
}

/** Events per organisation per day, as a grid of shaded cells with their counts. */
function DayGrid({ days, organisations, count }: { days: string[]; organisations: string[]; count: (organisation: string, day: string) => number }) {
  const cell = 44;
  const labelWidth = 90;
  const counts = organisations.map((o) => days.map((d) => count(o, d)));
  const max = Math.max(1, ...counts.flat());
  return (
    <figure className="chart">
      <figcaption>Events per organisation per day (UTC)</figcaption>
      <svg viewBox={`0 0 ${labelWidth + days.length * cell} ${20 + organisations.length * 24}`} role="img" aria-label={organisations.map((o, i) => `${o}: ${days.map((d, j) => `${d} ${counts[i][j]}`).join(', ')}`).join('; ')}>
        {days.map((d, j) => (
          <text key={d} x={labelWidth + j * cell + cell / 2} y={12} textAnchor="middle" className="chart-label">{d.slice(5)}</text>
        ))}
        {organisations.map((o, i) => (
          <g key={o} transform={`translate(0 ${20 + i * 24})`}>
            <text x={labelWidth - 6} y={15} textAnchor="end" className="chart-label">{o}</text>
            {days.map((d, j) => (
              <g key={d}>
                <rect x={labelWidth + j * cell + 1} y={1} width={cell - 2} height={21} className="chart-cell" fillOpacity={counts[i][j] ? 0.15 + (0.85 * counts[i][j]) / max : 0.04} />
                <text x={labelWidth + j * cell + cell / 2} y={16} textAnchor="middle" className="chart-value">{counts[i][j] || ''}</text>
              </g>
            ))}
          </g>
        ))}
      </svg>
    </figure>
  );
}

const EXPORT_LIMIT = 1000;
const CSV_COLUMNS = ['time', 'request_id', 'subject', 'organisation', 'roles', 'client_name', 'purpose', 'operation_name', 'operation_type', 'outcome', 'refusal_code', 'duration_ms', 'field_coordinates', 'denied', 'records', 'chain_id', 'seq', 'hash'];

const csvCell = (value: string | number | null | undefined) => {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A cell a spreadsheet would run as a formula is quoted as text, as `npm run audit:export` does.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * Downloads the events of the current filter (up to EXPORT_LIMIT, through the same API) as CSV
 * or JSON. The complete, re-verifiable export of a time range is `npm run audit:export` on the
 * hub's host; its command for this range is shown.
 */
function Export({ filter }: { filter: AccessEventFilter }) {
  const client = useApolloClient();
  const [status, setStatus] = useState('');
  const run = async (format: 'csv' | 'json') => {
    setStatus('Exporting…');
    const events: AccessEvent[] = [];
    let after: string | null | undefined = null;
    do {
      const { data, error }: { data?: ConsoleAccessEventsQuery; error?: Error } = await client.query({ query: AccessEventsQuery, variables: { filter, first: 100, after }, fetchPolicy: 'network-only' });
      // Withheld fields are part of the caller's complete answer; any other problem (a timeout, a
      // refusal) means the page is incomplete, and an export must not pass it off as complete.
      if (!data) return setStatus(`Export failed: ${error?.message ?? 'no answer'}`);
      const problems = problemsOf(error);
      if (problems.length) return setStatus(`Export stopped, nothing downloaded: a page came back incomplete (${problems[0].code}: ${problems[0].message}). Retry, or narrow the filter.`);
      events.push(...data.accessEvents.edges.map((e) => e.node));
      after = data.accessEvents.pageInfo.hasNextPage ? data.accessEvents.pageInfo.endCursor : null;
    } while (after && events.length < EXPORT_LIMIT);
    const text =
      format === 'json'
        ? JSON.stringify(events, null, 2)
        : [CSV_COLUMNS.join(','), ...events.map((e) => [e.time, e.requestId, e.principal?.subject, e.principal?.organisation, e.principal?.roles.join(';'), e.clientName, e.purpose, e.operationName, e.operationType, e.outcome, e.refusalCode, e.durationMs, e.fieldCoordinates.join(';'), e.denied.map((d) => `${d.path} ${d.rule}`).join(';'), e.records.map((r) => `${r.type}:${r.id}:${r.owner ?? ''}`).join(';'), e.chain?.chainId, e.chain?.seq, e.chain?.hash].map(csvCell).join(','))].join('\r\n');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: format === 'json' ? 'application/json' : 'text/csv' }));
    link.download = `access-events.${format}`;
    link.click();
    URL.revokeObjectURL(link.href);
    const cut = after ? ` (the first ${EXPORT_LIMIT})` : '';
    setStatus(`Exported ${events.length} events${cut}.`);
  };
  const range = [filter.from && `--from ${filter.from}`, filter.to && `--to ${filter.to}`].filter(Boolean).join(' ');
  return (
    <div className="export">
      <button type="button" className="secondary" onClick={() => void run('csv')}>Export CSV</button>
      <button type="button" className="secondary" onClick={() => void run('json')}>Export JSON</button>
      <span role="status">{status}</span>
      <details>
        <summary>Complete export on the hub’s host</summary>
        <code>npm run -s audit:export -- {range} --format csv --out events.csv</code>
      </details>
    </div>
  );
}
