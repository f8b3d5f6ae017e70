import { useQuery } from '@apollo/client/react';
import { problemsOf, withheldPaths } from '../api/errors';
import { OperationPageQuery, OperationsQuery } from '../api/operations';
import { Loading, Problems, Value, Withheld } from '../ui/common';

export function OperationList() {
  const { data, error, loading } = useQuery(OperationsQuery, { variables: { first: 50 } });
  return (
    <section aria-labelledby="operations-title">
      <h2 id="operations-title">Operations</h2>
      <Problems error={error} />
      {loading && !data && <Loading label="Loading operations" />}
      {data && (
        <table>
          <thead>
            <tr><th scope="col">Code</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Lead</th><th scope="col">Period</th></tr>
          </thead>
          <tbody>
            {data.operations.edges.map(({ node: o }) => o && (
              <tr key={o.id}>
                <td><a href={`#/operations/${o.code}`}>{o.code}</a></td>
                <td>{o.name}</td>
                <td><span className={`badge ${o.status.toLowerCase()}`}>{o.status}</span></td>
                <td>{o.leadOrganisation}</td>
                <td>{o.period.start} – {o.period.end}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * One operation across the subgraphs: checkpoints, results, training and what each partner
 * shares. A part the caller may not see comes back null with UNAUTHORIZED_FIELD_OR_TYPE: it is
 * shown as withheld and the rest of the page stays.
 */
export function OperationPage({ code }: { code: string }) {
  const { data, error, loading } = useQuery(OperationPageQuery, { variables: { code } });
  const withheld = withheldPaths(error);
  const held = (path: string) => withheld.has(`operation.${path}`);
  if (loading && !data) return <Loading label={`Loading ${code}`} />;
  const o = data?.operation;
  if (!o) {
    // Null is "no such operation" only when the answer says nothing else about it.
    const why = withheld.has('operation') ? <p>Operation {code} is <Withheld />.</p> : problemsOf(error).length ? <p>Operation {code} could not be loaded.</p> : <p>No operation {code}.</p>;
    return (<><Problems error={error} />{data && why}</>);
  }
  return (
    <section aria-labelledby="operation-title" className="operation">
      <h2 id="operation-title">
        {o.code} — {o.name} <span className={`badge ${o.status.toLowerCase()}`}>{o.status}</span>
      </h2>
      <p>
        Led by {o.leadOrganisation}, {o.period.start} to {o.period.end}; partners {o.partnerOrganisations.join(', ') || 'none'}; countries {o.participatingCountries.join(', ')}.
      </p>
      <Problems error={error} />
      <div className="grid">
        <article>
          <h3>Results</h3>
          <dl>
            <dt>Checks</dt><dd>{o.results.checks}</dd>
            <dt>Hits</dt><dd>{o.results.hits} ({o.results.confirmedHits} confirmed)</dd>
            <dt>Arrests</dt><dd>{o.results.arrests}</dd>
            <dt>Seizures</dt><dd>{o.results.seizures}</dd>
            <dt>Officers trained</dt><dd>{o.officersTrained}</dd>
          </dl>
        </article>
        <article>
          <h3>Checkpoints</h3>
          <ul>
            {o.checkpoints.map((c) => (
              <li key={c.id}>
                {c.name} ({c.country}, {c.borderType.toLowerCase()}) — <Value value={c.location?.place} withheld={!c.location} />
              </li>
            ))}
          </ul>
        </article>
        <article>
          <h3>Training sessions</h3>
          {o.trainingSessions.length ? (
            <ul>
              {o.trainingSessions.map((s) => (
                <li key={s.id}>
                  {s.course.code} {s.course.title}, {s.startsOn}–{s.endsOn} in {s.place} ({s.status.toLowerCase()}): {s.enrolled}/{s.capacity} enrolled, {s.certified} certified
                </li>
              ))}
            </ul>
          ) : <p>None.</p>}
        </article>
        <article>
          <h3>Frontex shares</h3>
          <p>
            {o.frontex.totals.deployments} asset deployments: {o.frontex.totals.officers} officers, {o.frontex.totals.vehicles} vehicles, {o.frontex.totals.vessels} vessels, {o.frontex.totals.aircraft} aircraft.
          </p>
          <ul>{o.frontex.riskAnalyses.map((r) => <li key={r.id}>{r.title} ({r.region}, {r.periodStart}–{r.periodEnd})</li>)}</ul>
        </article>
        <article>
          <h3>WCO shares</h3>
          <p>{o.wco.seizureCount} seizures you may see{o.wco.byCommodity.length ? ':' : '.'}</p>
          <ul>{o.wco.byCommodity.map((c) => <li key={c.commodity}>{c.commodity.toLowerCase()}: {c.seizureCount} ({c.totalQuantity} {c.unit.toLowerCase()})</li>)}</ul>
          {o.wco.seizures.length > 0 && (
            <table>
              <caption>Seizures</caption>
              <thead><tr><th scope="col">Case</th><th scope="col">Commodity</th><th scope="col">Suspect</th></tr></thead>
              <tbody>
                {o.wco.seizures.slice(0, 10).map((s) => (
                  <tr key={s.id}><td>{s.caseReference}</td><td>{s.commodity.toLowerCase()}</td><td>{s.suspect ? `${s.suspect.nationality}, ${s.suspect.ageBand.toLowerCase()}` : '–'}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
        <article>
          <h3>IOM shares</h3>
          <p>Referrals (k-anonymised, k = {o.iom.aggregates.k}): <Value value={o.iom.aggregates.total} withheld={held('iom.aggregates.total')} /></p>
          <h4>Referrals</h4>
          {o.iom.referrals === null || o.iom.referrals === undefined ? (
            <p data-withheld="iom.referrals"><Withheld why="Confidential: partner liaisons with CONFIDENTIAL clearance and a purpose" /></p>
          ) : o.iom.referrals.length ? (
            <ul>{o.iom.referrals.slice(0, 10).map((r) => <li key={r.id}>{r.nationality}, referred to {r.referredTo.toLowerCase()}</li>)}</ul>
          ) : <p>None released to you.</p>}
        </article>
      </div>
    </section>
  );
}
