import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { withheldPaths } from '../api/errors';
import { ConfirmHitMutation, HitsQuery, RejectHitMutation } from '../api/operations';
import type { ConsoleHitsQuery, HitAction, HitStatus } from '../gql/graphql';
import { formatTime, Loading, Problems, Value, Withheld } from '../ui/common';

type Hit = NonNullable<ConsoleHitsQuery['hits']['edges'][number]['node']>;

const STATUSES: HitStatus[] = ['PENDING', 'CONFIRMED', 'REJECTED'];
const ACTIONS: HitAction[] = ['ARRESTED', 'SEIZED', 'REFUSED_ENTRY', 'QUESTIONED', 'NONE'];

/**
 * Hits the caller may see: for an NCB analyst those on its bureau's alerts, with confirm and
 * reject; for a border officer those at its country's checkpoints, with the owner's decision.
 */
export function Hits({ canDecide }: { canDecide: boolean }) {
  const [status, setStatus] = useState<HitStatus | ''>(canDecide ? 'PENDING' : '');
  const { data, error, loading } = useQuery(HitsQuery, { variables: { filter: status ? { status } : {}, first: 50 } });
  const withheld = withheldPaths(error);
  // A node the caller may not see at all comes back null (withheld): counted, not shown.
  const edges = data?.hits.edges ?? [];
  const hidden = edges.filter((e) => !e.node).length;
  return (
    <section aria-labelledby="hits-title">
      <h2 id="hits-title">{canDecide ? 'Hits on our alerts' : 'Hits at our checkpoints'}</h2>
      <label className="inline">
        Status
        <select value={status} onChange={(e) => setStatus(e.target.value as HitStatus | '')}>
          <option value="">any</option>
          {STATUSES.map((s) => <option key={s}>{s}</option>)}
        </select>
      </label>
      <Problems error={error} />
      {loading && !data && <Loading label="Loading hits" />}
      {data && !edges.length && <p>No hits{status ? ` ${status.toLowerCase()}` : ''}.</p>}
      {hidden > 0 && <p>{hidden} hits <Withheld /></p>}
      <ul className="cards">
        {edges.map(({ node: hit }, i) => hit && <HitCard key={hit.id} hit={hit} canDecide={canDecide} alertWithheld={withheld.has(`hits.edges.${i}.node.alert`)} />)}
      </ul>
    </section>
  );
}

function HitCard({ hit, canDecide, alertWithheld }: { hit: Hit; canDecide: boolean; alertWithheld: boolean }) {
  const [action, setAction] = useState<HitAction>('ARRESTED');
  const [note, setNote] = useState('');
  const [confirm, confirming] = useMutation(ConfirmHitMutation);
  const [reject, rejecting] = useMutation(RejectHitMutation);
  const busy = confirming.loading || rejecting.loading;
  const noteId = `note-${hit.id}`;
  return (
    <li className="card" aria-label={`Hit ${hit.id}`} data-hit={hit.id}>
      <h3>
        {hit.database.replace(/_/g, ' ').toLowerCase()} <span className={`badge ${hit.status.toLowerCase()}`}>{hit.status}</span>
      </h3>
      <dl>
        <dt>Detected</dt><dd>{formatTime(hit.detectedAt)}</dd>
        <dt>Checkpoint</dt><dd>{hit.checkpoint.name} ({hit.checkpoint.country})</dd>
        <dt>Operation</dt><dd><a href={`#/operations/${hit.operation.code}`}>{hit.operation.code}</a></dd>
        <dt>Alert</dt>
        <dd>
          {hit.alert ? (
            <>
              {hit.alert.documentType} of {hit.alert.issuingCountry}, number <Value value={hit.alert.documentNumber} withheld={hit.alert.documentNumber === null} />, owner {hit.alert.handling.owner}
            </>
          ) : (
            // Null unless the alert's owner released it to the caller, or withheld by the gateway.
            <Withheld why={alertWithheld ? 'Not visible to your role or clearance' : 'The alert’s owner has not released it to your organisation'} />
          )}
        </dd>
        {hit.status !== 'PENDING' && (
          <>
            <dt>Decision</dt>
            <dd className="decision">
              {hit.status} {hit.actionTaken && `— ${hit.actionTaken}`} on {formatTime(hit.decidedAt)}
              {hit.decisionNote && <> (“{hit.decisionNote}”)</>}
            </dd>
          </>
        )}
      </dl>
      {canDecide && hit.status === 'PENDING' && (
        <form className="decide" onSubmit={(e) => e.preventDefault()} aria-label={`Decide hit ${hit.id}`}>
          <label>
            Action taken
            <select value={action} onChange={(e) => setAction(e.target.value as HitAction)}>
              {ACTIONS.map((a) => <option key={a}>{a}</option>)}
            </select>
          </label>
          <label htmlFor={noteId}>Note</label>
          <input id={noteId} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
          <button type="button" disabled={busy} onClick={() => void confirm({ variables: { input: { hitId: hit.id, action, note: note || null } } })}>
            Confirm
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => void reject({ variables: { input: { hitId: hit.id, action: 'RELEASED', note: note || null } } })}>
            Reject
          </button>
        </form>
      )}
      <Problems error={confirming.error ?? rejecting.error} />
    </li>
  );
}
