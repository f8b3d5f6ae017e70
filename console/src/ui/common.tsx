import { useEffect, useState, type ReactNode } from 'react';
import { problemsOf } from '../api/errors';

/** A value the hub did not give this caller: shown as such, never as an error page. */
export function Withheld({ why = 'Not visible to your organisation, role or clearance' }: { why?: string }) {
  return (
    <span className="withheld" title={why}>
      withheld
    </span>
  );
}

/** A value, or “withheld” when the hub left it out (null in a partial answer or in the data owner's view). */
export function Value({ value, withheld }: { value: ReactNode | null | undefined; withheld?: boolean }) {
  if (withheld || value === null || value === undefined) return withheld ? <Withheld /> : <span className="none">–</span>;
  return <>{value}</>;
}

/** The errors of an answer other than withheld fields, each with its code explained. */
export function Problems({ error }: { error: unknown }) {
  const problems = problemsOf(error);
  if (!problems.length) return null;
  return (
    <div role="alert" className="problems">
      {problems.map((p, i) => (
        <p key={i}>
          <code>{p.code}</code> {p.explanation} <span className="detail">({p.message})</span>
        </p>
      ))}
    </div>
  );
}

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}…
    </p>
  );
}

/** The part of the URL after `#`, as the console's route: views are bookmarkable and the back button works. */
export function useHashRoute(): [string, (route: string) => void] {
  const read = () => decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return [route, (next) => (location.hash = `/${next}`)];
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });
export const formatTime = (iso: string | null | undefined) => (iso ? `${timeFormat.format(new Date(iso))} UTC` : '–');

/** A horizontal bar chart in plain SVG: one bar per entry, its value written beside it. */
export function BarChart({ title, data, unit = '' }: { title: string; data: [string, number][]; unit?: string }) {
  const max = Math.max(1, ...data.map(([, v]) => v));
  const rowHeight = 22;
  const labelWidth = 150;
  const width = 420;
  const height = Math.max(rowHeight, data.length * rowHeight);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {data.length === 0 ? (
        <p className="none">Nothing in this sample.</p>
      ) : (
        <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}: ${data.map(([k, v]) => `${k} ${v}${unit}`).join(', ')}`}>
          {data.map(([label, value], i) => {
            const barWidth = ((width - labelWidth - 50) * value) / max;
            return (
              <g key={label} transform={`translate(0 ${i * rowHeight})`}>
                <text x={labelWidth - 6} y={15} textAnchor="end" className="chart-label">
                  {label.length > 22 ? `${label.slice(0, 21)}…` : label}
                </text>
                <rect x={labelWidth} y={4} width={Math.max(1, barWidth)} height={rowHeight - 8} className="chart-bar" />
                <text x={labelWidth + barWidth + 6} y={15} className="chart-value">
                  {value}
                  {unit}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

/** Counts of `keys`, largest first, at most `limit` of them. */
export function countBy(keys: string[], limit = 10): [string, number][] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
}
