// The package builder: one option per issue; on every pick the core
// evaluates the (possibly partial) package — our utility, and each other
// side's as the core knows it (an envoy's are opponent-model estimates,
// labelled so). Then the moves: propose, counter, accept (showing the package
// being accepted), reject with a reason, withdraw, ratify.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useAction } from '../../parts/form';
import { Problem } from '../../parts/problem';
import {
  type Evaluation,
  type MoveView,
  type Package,
  type TalksView,
  packageWords,
  talksOp,
  utilityWords,
} from '../../talks_api';
import { useAgenda } from './profile';

function EvaluationView(props: { e: Evaluation | null }) {
  const e = props.e;
  if (!e) return null;
  return (
    <div class="panel" role="status" aria-label="Evaluation of the package">
      <p>
        Your utility: <strong data-utility="me">{utilityWords(e.my_utility)}</strong>
      </p>
      {e.others.map((o) => (
        <p key={o.side}>
          {o.side}: <strong data-utility={o.side}>{utilityWords(o.utility)}</strong>{' '}
          <span class="label">{o.estimated ? '(estimate)' : '(exact)'}</span>
        </p>
      ))}
      <p dir="auto">{e.words}</p>
    </div>
  );
}

// The offers still on the table (not withdrawn), newest first.
function openOffers(v: TalksView): MoveView[] {
  return v.moves.filter((m) => m.package && !m.withdrawn && (m.kind === 'propose' || m.kind === 'counter')).reverse();
}

type Accepting = { target?: number; suggestion?: string; package: Package; what: string };

export function Builder(props: { view: TalksView; onChanged: () => void }) {
  const v = props.view;
  const { agenda, error } = useAgenda(v.talks, v.joined);
  const [pick, setPick] = useState<Package>({});
  const [evaluation, setEvaluation] = useState<Evaluation | null>(null);
  const [revises, setRevises] = useState('');
  // Conditions the built package carries (propose, counter): TEXT@GUARANTOR,
  // one a line; the guarantor confirms each met or failed later.
  const [conditions, setConditions] = useState('');
  const [accepting, setAccepting] = useState<Accepting | null>(null);
  const [rejecting, setRejecting] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const [said, setSaid] = useState('');
  const evaluate = useAction();
  const move = useAction();
  // A panel opened by a button further up (the acceptance, a rejection's
  // reason) takes the focus, so a keyboard or screen-reader user lands on
  // what just appeared instead of hunting for it at the end of the page.
  const acceptancePanel = useRef<HTMLDivElement>(null);
  const rejectionReason = useRef<HTMLTextAreaElement>(null);
  useEffect(() => acceptancePanel.current?.focus(), [accepting]);
  useEffect(() => rejectionReason.current?.focus(), [rejecting]);

  useEffect(() => {
    void (async () => {
      const got = await evaluate.run(() => talksOp<Evaluation>('talks.evaluate', { talks: v.talks, package: pick }));
      if (got) setEvaluation(got.result);
    })();
  }, [v.talks, pick]);

  const run = async (fields: Record<string, unknown>) => {
    setSaid('');
    const got = await move.run(() => talksOp<{ outcome?: string }>('talks.move', { talks: v.talks, ...fields }));
    if (got) {
      setSaid(got.result.outcome ?? 'Done.');
      setAccepting(null);
      setRejecting(null);
      setReason('');
      setRevises('');
      setConditions('');
      props.onChanged();
    }
  };
  const withPackage = (fields: Record<string, unknown>) => {
    const f: Record<string, unknown> = { ...fields, package: pick };
    if (revises) f.revises = revises;
    const list = conditions
      .split('\n')
      .map((c) => c.trim())
      .filter((c) => c);
    if (list.length > 0) f.conditions = list;
    return run(f);
  };
  const blocked = v.drafts.filter((d) => d.clearance === 'blocked');
  const offers = openOffers(v);

  return (
    <>
      <h3>Build a package</h3>
      <Problem error={error} />
      {agenda && (
        <div class="builder">
          {agenda.issues.map((i) => (
            <div class="field" key={i.issue}>
              <label for={`pick-${i.issue}`}>Option for {i.issue}</label>
              <select
                id={`pick-${i.issue}`}
                value={pick[i.issue] ?? ''}
                onChange={(e) => {
                  const value = (e.currentTarget as HTMLSelectElement).value;
                  const next = { ...pick };
                  if (value) next[i.issue] = value;
                  else delete next[i.issue];
                  setPick(next);
                }}
              >
                <option value="">— not chosen —</option>
                {i.options.map((o) => (
                  <option key={o.option} value={o.option}>
                    {o.option}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </div>
      )}
      <Problem error={evaluate.error} />
      <EvaluationView e={evaluation} />
      {blocked.length > 0 && (
        <div class="field">
          <label for="revises">Revises the blocked draft</label>
          <select id="revises" value={revises} onChange={(e) => setRevises((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">— a new draft —</option>
            {blocked.map((d) => (
              <option key={d.id} value={d.id}>
                {d.id}: {packageWords(d.package)}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="field">
        <label for="builder-conditions">Conditions the package carries, one a line (TEXT@GUARANTOR), optional</label>
        <textarea
          id="builder-conditions"
          rows={2}
          dir="auto"
          value={conditions}
          onInput={(e) => setConditions((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </div>
      <p>
        <button type="button" disabled={move.busy} onClick={() => withPackage({ move: 'propose' })}>
          Propose this package
        </button>
      </p>
      <Problem error={move.error} />
      {said && (
        <p role="status" class="said">
          <bdi dir="auto">{said}</bdi>
        </p>
      )}

      {v.drafts.some((d) => !d.tabled) && (
        <>
          <h3>Our drafts at home</h3>
          <ul aria-label="Our drafts at home">
            {v.drafts
              .filter((d) => !d.tabled)
              .map((d) => (
                <li key={d.id}>
                  Draft {d.id} ({d.move}): {d.clearance}
                  {d.blocked_by.length > 0 && <> — blocked by {d.blocked_by.join(', ')}</>}
                </li>
              ))}
          </ul>
        </>
      )}
      <h3>Offers on the table</h3>
      {offers.length === 0 && <p>No open offer.</p>}
      <ul class="cards">
        {offers.map((m) => (
          <li key={m.id} aria-label={`Offer ${m.id}`}>
            <p>
              <strong>
                Offer {m.id} ({m.kind})
              </strong>{' '}
              by {m.by ?? m.side} ({m.side}){m.label && <> · {m.label}</>}
            </p>
            <p dir="auto">{packageWords(m.package)}</p>
            {m.conditions && m.conditions.length > 0 && (
              <p>Carries conditions {m.conditions.join(', ')} (their text and status: the room)</p>
            )}
            <p>Your utility: {utilityWords(m.my_utility)}</p>
            {m.side !== v.me.side ? (
              <p class="actions">
                <button type="button" disabled={move.busy} onClick={() => withPackage({ move: 'counter', target: m.id })}>
                  Counter offer {m.id} with the built package
                </button>{' '}
                <button
                  type="button"
                  onClick={() => setAccepting({ target: m.id, package: m.package ?? {}, what: `offer ${m.id}` })}
                >
                  Accept offer {m.id}
                </button>{' '}
                <button type="button" onClick={() => setRejecting(m.id)}>
                  Reject offer {m.id}
                </button>
              </p>
            ) : (
              <p class="actions">
                <button type="button" disabled={move.busy} onClick={() => run({ move: 'withdraw', target: m.id })}>
                  Withdraw offer {m.id}
                </button>
              </p>
            )}
            {rejecting === m.id && (
              <div class="panel">
                <label class="field">
                  <span>Reason for rejecting offer {m.id}</span>
                  <textarea
                    ref={rejectionReason}
                    value={reason}
                    dir="auto"
                    rows={2}
                    onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
                  />
                </label>
                <button type="button" disabled={move.busy} onClick={() => run({ move: 'reject', target: m.id, reason })}>
                  Send the rejection
                </button>{' '}
                <button type="button" onClick={() => setRejecting(null)}>
                  Cancel
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {v.suggestions.length > 0 && (
        <>
          <h3>The mediator's suggestions</h3>
          <ul class="cards">
            {v.suggestions.map((s) => (
              <li key={s.id}>
                <p>
                  <strong>Suggestion {s.id}</strong> — <span dir="auto">{packageWords(s.package)}</span>
                </p>
                {s.note && <p dir="auto">{s.note}</p>}
                {s.conditions.length > 0 && <p>Conditions: {s.conditions.join('; ')}</p>}
                <p>Your utility: {utilityWords(s.my_utility)}</p>
                <button
                  type="button"
                  onClick={() => setAccepting({ suggestion: s.id, package: s.package, what: `suggestion ${s.id}` })}
                >
                  Accept suggestion {s.id}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {accepting && (
        <div class="panel" role="region" aria-label="Acceptance" tabIndex={-1} ref={acceptancePanel}>
          <p>
            You are accepting {accepting.what}: <strong dir="auto">{packageWords(accepting.package)}</strong>
          </p>
          <button
            type="button"
            disabled={move.busy}
            onClick={() =>
              run(accepting.suggestion ? { move: 'accept', suggestion: accepting.suggestion } : { move: 'accept', target: accepting.target })
            }
          >
            Confirm the acceptance
          </button>{' '}
          <button type="button" onClick={() => setAccepting(null)}>
            Cancel
          </button>
        </div>
      )}
      {v.agreed_package && (
        <>
          <h3>Agreed ad referendum</h3>
          <p dir="auto">{packageWords(v.agreed_package)}</p>
          <button type="button" disabled={move.busy} onClick={() => run({ move: 'ratify' })}>
            Ratify the agreement
          </button>
        </>
      )}
    </>
  );
}
