// Clearance at home: our side's drafts with who approved or vetoed and why,
// whom each waits for and who blocks it. A principal approves or vetoes with
// a reason (talks.verdict); the envoy sees the verdicts as they arrive.
import { useState } from 'preact/hooks';
import { useAction } from '../../parts/form';
import { Problem } from '../../parts/problem';
import { type DraftView, type TalksView, packageWords, talksOp } from '../../talks_api';

function Verdicts(props: { d: DraftView }) {
  const entries = Object.entries(props.d.verdicts);
  if (entries.length === 0) return <p>No verdict yet.</p>;
  return (
    <ul>
      {entries.map(([who, vd]) => (
        <li key={who}>
          <bdi dir="auto">{who}</bdi> {vd.approve ? 'approved' : 'vetoed'}
          {vd.reason && (
            <>
              : <q dir="auto">{vd.reason}</q>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function Decide(props: { view: TalksView; d: DraftView; onChanged: () => void }) {
  const [reason, setReason] = useState('');
  const verdict = useAction();
  const send = async (approve: boolean) => {
    const done = await verdict.run(() =>
      talksOp('talks.verdict', { talks: props.view.talks, draft: props.d.id, approve, reason }),
    );
    if (done) {
      setReason('');
      props.onChanged();
    }
  };
  return (
    <div>
      <label class="field">
        <span>Reason for your verdict on draft {props.d.id}</span>
        <textarea value={reason} dir="auto" rows={2} onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />
      </label>
      <Problem error={verdict.error} />
      <button type="button" disabled={verdict.busy} onClick={() => send(true)}>
        Approve draft {props.d.id}
      </button>{' '}
      <button type="button" disabled={verdict.busy} onClick={() => send(false)}>
        Veto draft {props.d.id}
      </button>
    </div>
  );
}

export function Clearance(props: { view: TalksView; onChanged: () => void }) {
  const v = props.view;
  const principal = v.me.role === 'principal';
  return (
    <>
      <h3>Drafts awaiting clearance at home</h3>
      {v.clearance_rule ? <p>Rule: {v.clearance_rule}</p> : <p>Our side has no clearance rule: moves go out at once.</p>}
      {v.drafts.length === 0 && <p>No draft.</p>}
      <ul class="cards">
        {v.drafts.map((d) => (
          <li key={d.id} aria-label={`Draft ${d.id}`} data-clearance={d.clearance}>
            <p>
              <strong>
                Draft {d.id} ({d.move})
              </strong>{' '}
              by <bdi dir="auto">{d.by}</bdi>
              {d.revises && <> · revises {d.revises}</>} · <span class="clearance">{d.clearance}</span>
              {d.tabled && ' · tabled'}
            </p>
            <p dir="auto">{packageWords(d.package)}</p>
            {d.blocked_by.length > 0 && (
              <p class="alarm">
                Blocked by <bdi dir="auto">{d.blocked_by.join(', ')}</bdi>
              </p>
            )}
            {d.waiting_for.length > 0 && <p>Waiting for {d.waiting_for.join(', ')}</p>}
            <Verdicts d={d} />
            {principal && !d.tabled && d.clearance !== 'blocked' && <Decide view={v} d={d} onChanged={props.onChanged} />}
          </li>
        ))}
      </ul>
    </>
  );
}
