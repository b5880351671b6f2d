// The negotiation drawn: the outcome space as this person may see it (exact
// where the profiles are known, the mediator's; otherwise the opponent model,
// titled "estimated"), one projection per pair the core names, the core's
// words explaining each element, and the same points as a table. The
// plotting code is a separate chunk, loaded when the chart is first opened.
import { useEffect, useRef, useState } from 'preact/hooks';
import { serverTimingOf } from '../../api';
import { useAction } from '../../parts/form';
import { Problem } from '../../parts/problem';
import { ChartTable } from '../../parts/chart_table';
import { type Analysis, type TalksView, talksOp } from '../../talks_api';

function Projection(props: { a: Analysis; i: number; j: number; onDrawn: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  const { a, i, j } = props;
  useEffect(() => {
    let live = true;
    void import('../../parts/chart_plot').then((m) => {
      if (!live || !box.current) return;
      box.current.replaceChildren(m.draw(a, i, j));
      props.onDrawn();
    });
    return () => {
      live = false;
    };
  }, [a, i, j]);
  return (
    <figure class="projection" data-pair={`${i},${j}`} aria-labelledby={`pair-${i}-${j}`}>
      <figcaption id={`pair-${i}-${j}`}>
        {a.sides[i]} (across) against {a.sides[j]} (up)
      </figcaption>
      <div ref={box} />
      <details>
        <summary>
          The points of {a.sides[i]} against {a.sides[j]} as a table
        </summary>
        <ChartTable a={a} i={i} j={j} />
      </details>
    </figure>
  );
}

const EXPLAINED: [string, string][] = [
  ['frontier', 'The frontier (black dots, joined when there are two sides)'],
  ['nash', 'Nash (star)'],
  ['kalai_smorodinsky', 'Kalai–Smorodinsky (diamond)'],
  ['reservation', 'Walk-away points (dashed lines)'],
  ['estimated', 'Estimates'],
];

// What the core's analysis depends on, as the talks view shows it: the moves
// on the table (the offers drawn, the opponent model's evidence), whether we
// joined (our own profile), the profiles shared with the mediator. The chart
// asks again only when this changes: a push event about something else (a
// contact, another talks) would otherwise recompute a large domain's
// analysis, and the next chart's request would wait behind it on the app's
// one worker (measured: docs/webapp-talks.md "Speed").
function analysisBasis(v: TalksView): string {
  return JSON.stringify([v.joined, v.profiles_shared, v.moves]);
}

export function NegotiationChart(props: { view: TalksView }) {
  const [a, setA] = useState<Analysis | null>(null);
  const [drawMs, setDrawMs] = useState<number | null>(null);
  const [askMs, setAskMs] = useState<number | null>(null);
  const [server, setServer] = useState<{ wait: number; run: number } | null>(null);
  const load = useAction();
  const started = useRef(0);
  const pending = useRef(0);

  useEffect(() => {
    void (async () => {
      started.current = performance.now();
      performance.mark('chart-start');
      const got = await load.run(() => talksOp<Analysis>('talks.analysis', { talks: props.view.talks }));
      if (got) {
        setAskMs(Math.round(performance.now() - started.current));
        const timing = serverTimingOf(got);
        setServer(timing && { wait: Math.round(timing.wait), run: Math.round(timing.run) });
        pending.current = got.result.pairs.length;
        setDrawMs(null);
        setA(got.result);
      }
    })();
  }, [props.view.talks, analysisBasis(props.view)]);

  // Every projection drawn: the time from asking the core to the last chart
  // in the page (a performance measure, also shown for the speed test).
  const drawn = () => {
    pending.current -= 1;
    if (pending.current > 0) return;
    performance.mark('chart-drawn');
    performance.measure('chart', 'chart-start', 'chart-drawn');
    setDrawMs(Math.round(performance.now() - started.current));
  };

  return (
    <section aria-labelledby="chart-title" class="chart" data-title={a?.title}>
      <h3 id="chart-title">Outcome space{a ? ` — ${a.title}` : ''}</h3>
      <Problem error={load.error} />
      {!a && !load.error && <p role="status">Computing the analysis…</p>}
      {a && (
        <>
          <p>
            {a.outcomes} possible packages; drawn: {a.sample_complete ? 'all of them' : `a random sample of ${a.sample.length}`}{' '}
            (faint dots) and the frontier{a.frontier_complete ? '' : ' as far as the engine could compute it'} (
            {a.frontier.length} packages).
          </p>
          <dl class="explain">
            {EXPLAINED.filter(([k]) => a.explain[k]).map(([k, what]) => (
              <div key={k}>
                <dt>{what}</dt>
                <dd>{a.explain[k]}</dd>
              </div>
            ))}
            <div>
              <dt>Offers (coloured dots, one line per side)</dt>
              <dd>each side's offers in order: the negotiation's dance. Hover a dot for its package.</dd>
            </div>
          </dl>
          <ul class="legend">
            {a.sides.map((s, k) => (
              <li key={s} class={`side-${k}`}>
                {s}
                {a.me === s ? ' (you)' : ''}: {a.exact[k] ? 'exact' : a.known[k] ? 'estimated' : 'unknown'}
              </li>
            ))}
          </ul>
          {drawMs !== null && (
            <p
              class="muted"
              data-draw-ms={drawMs}
              data-analysis-ms={askMs}
              data-wait-ms={server?.wait}
              data-run-ms={server?.run}
            >
              Drawn in {drawMs} ms (the core's analysis took {askMs} ms of it
              {server && `: ${server.run} ms computing, ${server.wait} ms waiting for the app`}).
            </p>
          )}
          {a.pairs.length === 0 && <p>No other side's utility is known yet: nothing to draw.</p>}
          <div class="projections">
            {a.pairs.map(([i, j]) => (
              <Projection key={`${i}-${j}`} a={a} i={i} j={j} onDrawn={drawn} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
