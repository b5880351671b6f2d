// The mediator's desk and the talks' standing business: the profiles shared
// with the mediator (an envoy shares its own here), the mediator's suggestion
// (a solution concept, conditions with their guarantors, floated in a caucus
// with one side or in the plenary); conditions, which their guarantor confirms
// met or failed; suspend and resume.
import { useState } from 'preact/hooks';
import { useAction } from '../../parts/form';
import { Problem } from '../../parts/problem';
import { type ConditionView, type TalksView, packageWords, talksOp } from '../../talks_api';

function Suggest(props: { view: TalksView; onChanged: () => void }) {
  const v = props.view;
  const [solution, setSolution] = useState('nash');
  const [caucus, setCaucus] = useState('');
  const [conditions, setConditions] = useState('');
  const [note, setNote] = useState('');
  const suggest = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const fields: Record<string, unknown> = { talks: v.talks, solution };
    if (caucus) fields.caucus = caucus;
    const list = conditions
      .split('\n')
      .map((c) => c.trim())
      .filter((c) => c);
    if (list.length > 0) fields.conditions = list;
    if (note) fields.note = note;
    if (await suggest.run(() => talksOp('talks.suggest', fields))) props.onChanged();
  };
  return (
    <form onSubmit={submit} aria-label="Suggest a package">
      <div class="field">
        <label for="suggest-solution">Solution</label>
        <select id="suggest-solution" value={solution} onChange={(e) => setSolution((e.currentTarget as HTMLSelectElement).value)}>
          <option value="nash">Nash (the largest product of gains over the walk-away points)</option>
          <option value="ks">Kalai–Smorodinsky (gains in proportion to what each could hope for)</option>
          <option value="egalitarian">Egalitarian (the smallest gain as large as possible)</option>
          <option value="utilitarian">Utilitarian (the largest sum)</option>
        </select>
      </div>
      <div class="field">
        <label for="suggest-caucus">In caucus with</label>
        <select id="suggest-caucus" value={caucus} onChange={(e) => setCaucus((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">— the plenary —</option>
          {v.sides.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="suggest-conditions">Conditions, one a line (TEXT@GUARANTOR)</label>
        <textarea id="suggest-conditions" rows={2} value={conditions} onInput={(e) => setConditions((e.currentTarget as HTMLTextAreaElement).value)} />
      </div>
      <div class="field">
        <label for="suggest-note">Note</label>
        <input id="suggest-note" value={note} dir="auto" onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <Problem error={suggest.error} />
      <button type="submit" disabled={suggest.busy}>
        Suggest a package
      </button>
    </form>
  );
}

function Condition(props: { view: TalksView; c: ConditionView; onChanged: () => void }) {
  const c = props.c;
  const [note, setNote] = useState('');
  const act = useAction();
  const mine = c.guarantor === props.view.me.name;
  const send = async (status: 'met' | 'failed') => {
    const fields: Record<string, unknown> = { talks: props.view.talks, condition: c.id, status };
    if (note) fields.note = note;
    if (await act.run(() => talksOp('talks.condition', fields))) props.onChanged();
  };
  return (
    <li aria-label={`Condition ${c.id}`}>
      <p>
        <strong>{c.id}</strong>: <span dir="auto">{c.text}</span> — guarantor <bdi dir="auto">{c.guarantor}</bdi>:{' '}
        <span class="clearance">{c.status}</span>
        {c.note && (
          <>
            {' '}
            (<q dir="auto">{c.note}</q>)
          </>
        )}
      </p>
      {mine && c.status === 'pending' && (
        <>
          <label class="field">
            <span>Note on condition {c.id}</span>
            <input value={note} dir="auto" onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <Problem error={act.error} />
          <button type="button" disabled={act.busy} onClick={() => send('met')}>
            Condition {c.id} met
          </button>{' '}
          <button type="button" disabled={act.busy} onClick={() => send('failed')}>
            Condition {c.id} failed
          </button>
        </>
      )}
    </li>
  );
}

function Suspension(props: { view: TalksView; onChanged: () => void }) {
  const v = props.view;
  const [reason, setReason] = useState('');
  const act = useAction();
  const run = async (op: string, fields: Record<string, unknown>) => {
    if (await act.run(() => talksOp(op, { talks: v.talks, ...fields }))) {
      setReason('');
      props.onChanged();
    }
  };
  return (
    <>
      <h3>Suspend or resume</h3>
      {v.suspended ? (
        <button type="button" disabled={act.busy} onClick={() => run('talks.resume', {})}>
          Resume the talks
        </button>
      ) : (
        <>
          <label class="field">
            <span>Reason for suspending</span>
            <textarea value={reason} dir="auto" rows={2} onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />
          </label>
          <button type="button" disabled={act.busy} onClick={() => run('talks.suspend', { reason })}>
            Suspend the talks
          </button>
        </>
      )}
      <Problem error={act.error} />
    </>
  );
}

export function Desk(props: { view: TalksView; onChanged: () => void }) {
  const v = props.view;
  const share = useAction();
  const mediator = v.me.role === 'mediator' && v.me.name === v.host;
  return (
    <>
      <h3>Profiles shared with the mediator</h3>
      <p>{v.profiles_shared.length > 0 ? v.profiles_shared.join(', ') : 'None yet.'}</p>
      {v.me.role === 'envoy' && !v.profiles_shared.includes(v.me.side) && (
        <>
          <button
            type="button"
            disabled={share.busy}
            onClick={async () => {
              if (await share.run(() => talksOp('talks.share', { talks: v.talks }))) props.onChanged();
            }}
          >
            Share my profile with the mediator
          </button>
          <Problem error={share.error} />
        </>
      )}
      {mediator && (
        <>
          <h3>Suggest a package</h3>
          <p>The exact analysis of the shared profiles is drawn under Chart.</p>
          <Suggest view={v} onChanged={props.onChanged} />
        </>
      )}
      {v.floated_in_caucus.length > 0 && (
        <>
          <h3>Floated in caucus</h3>
          <ul>
            {v.floated_in_caucus.map((f, i) => (
              <li key={i} dir="auto">
                {f.from} to {f.side}: {packageWords(f.package)} {f.note}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Conditions</h3>
      {v.conditions.length === 0 && <p>No condition.</p>}
      <ul class="cards">
        {v.conditions.map((c) => (
          <Condition key={c.id} view={v} c={c} onChanged={props.onChanged} />
        ))}
      </ul>
      {/* Only an envoy or a mediator may suspend (docs/talks.md); the core
          refuses the others, so the form is not offered to them. */}
      {(v.me.role === 'envoy' || v.me.role === 'mediator') && <Suspension view={v} onChanged={props.onChanged} />}
    </>
  );
}
