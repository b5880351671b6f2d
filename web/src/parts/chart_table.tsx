// The chart as a table, for screen readers and for reading exact values:
// every point drawn in one projection except the faint sample (its size is
// given in words), with the core's numbers unrounded.
import { type Analysis, type Point, packageWords } from '../talks_api';

function Row(props: { what: string; p: Point; i: number; j: number }) {
  return (
    <tr>
      <th scope="row">{props.what}</th>
      <td dir="auto">{packageWords(props.p.package)}</td>
      <td>{props.p.u[props.i] ?? 'unknown'}</td>
      <td>{props.p.u[props.j] ?? 'unknown'}</td>
    </tr>
  );
}

export function ChartTable(props: { a: Analysis; i: number; j: number }) {
  const { a, i, j } = props;
  return (
    <table class="chart-table">
      <caption>
        Points of {a.sides[i]} against {a.sides[j]} ({a.title}); the sample of {a.sample.length} packages is not listed.
      </caption>
      <thead>
        <tr>
          <th scope="col">Point</th>
          <th scope="col">Package</th>
          <th scope="col">{a.sides[i]}'s utility</th>
          <th scope="col">{a.sides[j]}'s utility</th>
        </tr>
      </thead>
      <tbody>
        {a.nash && <Row what="Nash" p={a.nash} i={i} j={j} />}
        {a.kalai_smorodinsky && <Row what="Kalai–Smorodinsky" p={a.kalai_smorodinsky} i={i} j={j} />}
        {a.offers.map((o) => (
          <Row key={`o${o.move}`} what={`Offer ${o.move} by ${o.side}${o.withdrawn ? ' (withdrawn)' : ''}`} p={o} i={i} j={j} />
        ))}
        {a.frontier.map((p, k) => (
          <Row key={`f${k}`} what={`Frontier ${k + 1}`} p={p} i={i} j={j} />
        ))}
        <tr>
          <th scope="row">Walk-away points</th>
          <td />
          <td>{a.reservations[i] ?? 'unknown'}</td>
          <td>{a.reservations[j] ?? 'unknown'}</td>
        </tr>
      </tbody>
    </table>
  );
}
