import { useQuery } from '@apollo/client/react';
import { SessionsQuery } from '../api/operations';
import { Loading, Problems } from '../ui/common';

/** Training sessions, by first day; the counts are of the participants the caller may see. */
export function TrainingSessions() {
  const { data, error, loading } = useQuery(SessionsQuery, { variables: { first: 50 } });
  return (
    <section aria-labelledby="training-title">
      <h2 id="training-title">Training sessions</h2>
      <Problems error={error} />
      {loading && !data && <Loading label="Loading sessions" />}
      {data && (
        <table>
          <thead>
            <tr><th scope="col">Course</th><th scope="col">Days</th><th scope="col">Where</th><th scope="col">Trainer</th><th scope="col">Operation</th><th scope="col">Status</th><th scope="col">Enrolled</th><th scope="col">Certified</th></tr>
          </thead>
          <tbody>
            {data.sessions.edges.map(({ node: s }) => s && (
              <tr key={s.id}>
                <td>{s.course.code} {s.course.title}</td>
                <td>{s.startsOn} – {s.endsOn}</td>
                <td>{s.place} ({s.hostCountry})</td>
                <td>{s.trainerOrganisation}</td>
                <td>{s.operation ? <a href={`#/operations/${s.operation.code}`}>{s.operation.code}</a> : '–'}</td>
                <td>{s.status.toLowerCase()}</td>
                <td>{s.enrolled}/{s.capacity}</td>
                <td>{s.certified}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
