// The talks: the list of talks this home takes part in and, for the one
// opened, its room and the room's parts (builder, clearance, the mediator's
// desk, the chart, the record). The views refetch `talks.status` whenever the
// app pushes a happening (the `refresh` tick).
import { useEffect, useState } from 'preact/hooks';
import { useAction } from '../../parts/form';
import { Problem } from '../../parts/problem';
import { type TalksView, talksOp } from '../../talks_api';
import { Builder } from './builder';
import { Clearance } from './clearance';
import { Desk } from './desk';
import { NegotiationChart } from './chart';
import { Record } from './record';
import { CreateTalks } from './create';
import { Room } from './room';

type Part = 'room' | 'builder' | 'clearance' | 'desk' | 'chart' | 'record';
const parts: [Part, string][] = [
  ['room', 'Room'],
  ['builder', 'Package builder'],
  ['clearance', 'Clearance'],
  ['desk', "Mediator's desk"],
  ['chart', 'Chart'],
  ['record', 'Record'],
];

export function Talks(props: { refresh: number }) {
  const [all, setAll] = useState<TalksView[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [part, setPart] = useState<Part>('room');
  const [tick, setTick] = useState(0);
  const [creating, setCreating] = useState(false);
  const load = useAction();

  const reload = async () => {
    const got = await load.run(() => talksOp<{ talks: TalksView[] }>('talks.status', {}));
    if (got) setAll(got.result.talks);
  };
  useEffect(() => {
    void reload();
  }, [props.refresh, tick]);
  // An action's answer: the room shows the state after it.
  const changed = () => setTick((n) => n + 1);

  const view = all.find((t) => t.talks === open) ?? null;
  return (
    <div class="split">
      <nav aria-label="Talks">
        <Problem error={load.error} />
        {all.length === 0 && !load.busy && <p>No talks yet: a host invites you, or open new talks.</p>}
        <p>
          <button type="button" aria-expanded={creating} onClick={() => setCreating(!creating)}>
            Open new talks
          </button>
        </p>
        <ul class="plain">
          {all.map((t) => (
            <li key={t.talks}>
              <button type="button" aria-current={open === t.talks ? 'true' : undefined} onClick={() => setOpen(t.talks)}>
                <bdi dir="auto">{t.title || t.talks}</bdi>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {creating ? (
        <CreateTalks
          onCreated={(id) => {
            setCreating(false);
            setOpen(id);
            setPart('room');
            changed();
          }}
          onCancel={() => setCreating(false)}
        />
      ) : view ? (
        <section aria-labelledby="talks-title" class="talks">
          <h2 id="talks-title">
            <bdi dir="auto">{view.title || view.talks}</bdi>
          </h2>
          <p class="talks-meta">
            <span>Sides: {view.sides.join(', ')}</span> · <span>
              You: <bdi dir="auto">{view.me.name}</bdi> ({view.me.role}
              {view.me.side && `, ${view.me.side}`})
            </span>
          </p>
          <p class="phase">
            <strong>Phase:</strong> {view.phase_words}
          </p>
          {view.suspended && view.suspension && (
            <div class="warning banner" role="status">
              <strong>The talks are suspended</strong> by <bdi dir="auto">{view.suspension.by}</bdi> (
              {view.suspension.side}): <bdi dir="auto">{view.suspension.reason}</bdi>. No move is accepted until they resume.
            </div>
          )}
          <nav aria-label="Talks parts">
            <ul class="tabs">
              {parts.map(([id, label]) => (
                <li key={id}>
                  <button type="button" aria-current={part === id ? 'page' : undefined} onClick={() => setPart(id)}>
                    {label}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          {part === 'room' && <Room view={view} onChanged={changed} />}
          {part === 'builder' && <Builder view={view} onChanged={changed} />}
          {part === 'clearance' && <Clearance view={view} onChanged={changed} />}
          {part === 'desk' && <Desk view={view} onChanged={changed} />}
          {part === 'chart' && <NegotiationChart key={view.talks} view={view} />}
          {part === 'record' && <Record view={view} />}
        </section>
      ) : (
        all.length > 0 && <p>Choose talks to open their room.</p>
      )}
    </div>
  );
}
