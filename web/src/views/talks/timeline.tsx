// One timeline of the talks in record order: words by scope with each
// entry's authority label (exploratory, cleared, on the envoy's own
// authority, unofficial), moves, events and refusals — every text is the
// core's words for the entry. Below it, the box to speak with a scope picker.
import { useState } from 'preact/hooks';
import { useAction } from '../../parts/form';
import { Problem } from '../../parts/problem';
import { type TalksView, type TimelineEntry, talksOp } from '../../talks_api';

function scopeWords(scope: string | null): string {
  if (!scope || scope === 'plenary') return 'plenary';
  if (scope === 'internal') return 'internal (our side only)';
  if (scope.startsWith('caucus:')) return `caucus with ${scope.slice(7)}`;
  if (scope.startsWith('direct:')) return `direct to ${scope.slice(7)}`;
  return scope;
}

function Entry(props: { e: TimelineEntry }) {
  const e = props.e;
  return (
    <li class={`entry entry-${e.kind}`} data-kind={e.kind} data-seq={e.seq}>
      <p class="msg-head">
        <span class="entry-kind">{e.kind}</span>
        {e.by && (
          <>
            {' · '}
            <strong>
              <bdi dir="auto">{e.by}</bdi>
            </strong>
          </>
        )}
        {e.side && <> ({e.side})</>}
        {e.scope && <> · {scopeWords(e.scope)}</>}
        {e.label && <span class={`label label-${e.authority ?? 'none'}`}> · {e.label}</span>}
        {e.time_ms > 0 && (
          <>
            {' · '}
            <time>{new Date(e.time_ms).toLocaleString()}</time>
          </>
        )}
      </p>
      <p class="msg-body" dir="auto">
        {e.text}
      </p>
    </li>
  );
}

export function Timeline(props: { view: TalksView }) {
  const entries = props.view.timeline ?? [];
  return (
    <>
      <h3 id="timeline-title">Timeline</h3>
      <div class="messages" role="log" tabIndex={0} aria-labelledby="timeline-title">
        <ol class="plain-list">
          {entries.map((e) => (
            <Entry key={e.seq} e={e} />
          ))}
        </ol>
      </div>
      {entries.length === 0 && <p>Nothing said or moved yet.</p>}
    </>
  );
}

// The scopes this person may speak in: the plenary, a caucus with a side,
// our own side's internal channel, or directly to one member.
function scopes(v: TalksView): [string, string][] {
  const out: [string, string][] = [['plenary', 'Plenary (everyone at the table)']];
  for (const s of v.sides) out.push([`caucus:${s}`, `Caucus with ${s}`]);
  out.push(['internal', 'Internal (our side only)']);
  for (const m of v.members) {
    if (m.name !== v.me.name) out.push([`direct:${m.name}`, `Direct to ${m.name}`]);
  }
  return out;
}

export function Compose(props: { view: TalksView; onChanged: () => void }) {
  const v = props.view;
  const [scope, setScope] = useState('plenary');
  const [text, setText] = useState('');
  const [cleared, setCleared] = useState(false);
  const say = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const done = await say.run(() => talksOp('talks.say', { talks: v.talks, scope, text, cleared }));
    if (done) {
      setText('');
      props.onChanged();
    }
  };
  return (
    <form onSubmit={submit} aria-label="Speak in the talks">
      <div class="field">
        <label for="say-scope">Scope</label>
        <select id="say-scope" value={scope} onChange={(e) => setScope((e.currentTarget as HTMLSelectElement).value)}>
          {scopes(v).map(([value, words]) => (
            <option key={value} value={value}>
              {words}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="say-text">Words</label>
        <textarea
          id="say-text"
          value={text}
          dir="auto"
          rows={3}
          required
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </div>
      <label class="choice">
        <input type="checkbox" checked={cleared} onChange={(e) => setCleared((e.currentTarget as HTMLInputElement).checked)} />{' '}
        Cleared at home (otherwise exploratory)
      </label>
      <Problem error={say.error} />
      <button type="submit" disabled={say.busy}>
        Say
      </button>
    </form>
  );
}
