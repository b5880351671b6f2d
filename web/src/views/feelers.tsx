// Feelers with one contact (issue 15 through issue 18): "I would discuss X",
// revealed only if they said X too; the blind overlap check ("at least N" /
// "at most M" on a label, both learn only whether N ≤ M); every exchange with
// its state, the budget left, and forget. Every state, match, budget and
// answer is the app core's (feeler.send, feeler.status, feeler.overlap,
// feeler.forget); the page words them and refetches on the `feeler` event.
import { useEffect, useState } from 'preact/hooks';
import { type FeelerReport, type FeelerView, feelerOp } from '../feelers_api';
import { Field, useAction } from '../parts/form';
import { Problem } from '../parts/problem';

function when(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString();
}

// One line per entry, blanks dropped (what the person typed, as typed: the
// core normalises).
function lines(text: string): string[] {
  return text
    .split('\n')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

function sideWords(side: string): string {
  return side === 'at_least' ? 'at least' : 'at most';
}

// The exchange's state in words; its numbers and topics as the core gave them.
function FeelerState(props: { v: FeelerView }) {
  const v = props.v;
  if (v.phase === 'withheld') return <p class="alarm">{v.notice}</p>;
  if (v.phase === 'expired') return <p>Expired: nothing was revealed.</p>;
  if (v.kind === 'overlap') {
    const c = v.overlap_check;
    if (v.phase === 'incoming' || !c) {
      return <p>They asked for a blind overlap check: answer it below with the label and your own value.</p>;
    }
    const mine = (
      <>
        You said {sideWords(c.side)} {c.value} {c.unit} on “<bdi dir="auto">{c.label}</bdi>”.
      </>
    );
    if (v.phase === 'done') {
      return (
        <p>
          {mine}{' '}
          <strong data-overlap={c.overlap}>
            {c.overlap === 'yes' ? 'Yes: the positions overlap.' : 'No: the positions do not overlap.'}
          </strong>
        </p>
      );
    }
    return <p>{mine} Pending: waiting for their answer.</p>;
  }
  if (v.phase === 'incoming') {
    return <p>They sent a feeler. Nothing is revealed to either side until you choose topics of your own and send them.</p>;
  }
  if (v.phase === 'done') {
    if (v.matched.length === 0) return <p>Done: no topic in common (nothing else was revealed).</p>;
    return (
      <div>
        <p>Matched: both of you named</p>
        <ul aria-label="Matched topics">
          {v.matched.map((t) => (
            <li key={t}>
              <bdi dir="auto">{t}</bdi>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return <p>Pending: {v.phase === 'offered' ? 'waiting for their topics.' : 'the answers are being exchanged.'}</p>;
}

function Exchange(props: { v: FeelerView; onForget: (id: string) => void; busy: boolean }) {
  const v = props.v;
  const short = v.id.slice(0, 8);
  return (
    <li data-feeler={v.id} data-phase={v.phase} data-kind={v.kind}>
      <p class="msg-head">
        <strong>{v.kind === 'overlap' ? 'Blind overlap check' : 'Feeler'}</strong> {short} · started{' '}
        <time>{when(v.created_at)}</time> · ends <time>{when(v.expires_at)}</time>
        {v.k > 0 && <> · k = {v.k}</>}
      </p>
      {v.kind === 'feeler' && v.topics.length > 0 && (
        <p>
          Your topics:{' '}
          {v.topics.map((t, i) => (
            <span key={t}>
              {i > 0 && ', '}
              <bdi dir="auto">{t}</bdi>
            </span>
          ))}
        </p>
      )}
      <FeelerState v={v} />
      <button type="button" disabled={props.busy} aria-label={`Forget ${v.kind === 'overlap' ? 'check' : 'feeler'} ${short}`} onClick={() => props.onForget(v.id)}>
        Forget
      </button>
    </li>
  );
}

export function Feelers(props: { contact: string; refresh: number }) {
  const [status, setStatus] = useState<FeelerReport['result'] | null>(null);
  const [topics, setTopics] = useState('');
  const [agenda, setAgenda] = useState('');
  const [label, setLabel] = useState('');
  const [unit, setUnit] = useState('units');
  const [side, setSide] = useState<'at_least' | 'at_most'>('at_least');
  const [value, setValue] = useState('');
  const [said, setSaid] = useState('');
  const load = useAction();
  const send = useAction();
  const check = useAction();
  const forget = useAction();

  const reload = async () => {
    const got = await load.run(() => feelerOp('feeler.status', { contact: props.contact }));
    if (got) setStatus(got.result);
  };
  useEffect(() => {
    void reload();
  }, [props.contact, props.refresh]);

  const report = (got: FeelerReport) => setSaid(got.events.join(' · '));

  const submitFeeler = async (e: Event) => {
    e.preventDefault();
    setSaid('');
    const fields: Record<string, unknown> = { contact: props.contact };
    if (lines(topics).length > 0) fields.topics = lines(topics);
    if (lines(agenda).length > 0) fields.agenda = lines(agenda);
    const got = await send.run(() => feelerOp('feeler.send', fields));
    if (got) {
      setTopics('');
      setAgenda('');
      report(got);
      void reload();
    }
  };
  const submitCheck = async (e: Event) => {
    e.preventDefault();
    setSaid('');
    // A number as typed; the core refuses what does not fit the width.
    const n = Number(value);
    const got = await check.run(() =>
      feelerOp('feeler.overlap', { contact: props.contact, label, unit, [side]: Number.isSafeInteger(n) ? n : value }),
    );
    if (got) {
      setValue('');
      report(got);
      void reload();
    }
  };
  const runForget = async (fields: Record<string, unknown>) => {
    setSaid('');
    const got = await forget.run(() => feelerOp('feeler.forget', fields));
    if (got) {
      const n = got.result.forgotten_ids?.length ?? 1;
      setSaid(`Forgotten: ${n} exchange${n === 1 ? '' : 's'}.`);
      void reload();
    }
  };

  const list = status?.feelers ?? [];
  return (
    <section aria-labelledby="feelers-title" class="feelers">
      <h3 id="feelers-title">
        Feelers with <bdi dir="auto">{props.contact}</bdi>
      </h3>
      <p class="muted">
        Name what you would discuss. Only topics you both name are revealed, to both of you; nothing else is, and no one
        can prove the exchange took place.
      </p>
      <Problem error={load.error} />
      {status && (
        <p role="status" aria-label="Feeler budget">
          Budget: {status.budget_left ?? '?'} of {status.budget_per_day} exchanges left today with{' '}
          <bdi dir="auto">{props.contact}</bdi>.
        </p>
      )}
      {list.length === 0 ? (
        <p>No feelers with them yet.</p>
      ) : (
        <ul class="cards" aria-label={`Feelers with ${props.contact}`}>
          {list.map((v) => (
            <Exchange key={`${v.kind}-${v.id}`} v={v} busy={forget.busy} onForget={(id) => runForget({ id })} />
          ))}
        </ul>
      )}
      {list.length > 0 && (
        <button type="button" disabled={forget.busy} onClick={() => runForget({ contact: props.contact })}>
          Forget every feeler with <bdi dir="auto">{props.contact}</bdi>
        </button>
      )}
      <Problem error={forget.error} />
      {said && (
        <p role="status" aria-label="Feeler outcome">
          <bdi dir="auto">{said}</bdi>
        </p>
      )}
      <form onSubmit={submitFeeler} aria-label="Send a feeler">
        <h4>Send a feeler</h4>
        <Field
          label="Topics you would discuss"
          multiline
          value={topics}
          onInput={setTopics}
          hint="One per line, in any language or keyboard: they are matched after normalisation."
        />
        <Field
          label="Agenda items"
          value={agenda}
          onInput={setAgenda}
          hint="Optional: agenda ids, issue or issue:option, one per line."
          multiline
        />
        <Problem error={send.error} />
        <button type="submit" disabled={send.busy}>
          Send feeler
        </button>
      </form>
      <form onSubmit={submitCheck} aria-label="Blind overlap check">
        <h4>Blind overlap check</h4>
        <p class="muted">
          One side says “at least N”, the other “at most M” on the same label; both learn only whether N ≤ M. Your value
          is fixed for the label once sent.
        </p>
        <Field label="Label" value={label} onInput={setLabel} required />
        <Field label="Unit" value={unit} onInput={setUnit} required />
        <fieldset>
          <legend>I say</legend>
          {(['at_least', 'at_most'] as const).map((s) => (
            <label class="choice" key={s}>
              <input type="radio" name="overlap-side" checked={side === s} onChange={() => setSide(s)} /> {sideWords(s)}
            </label>
          ))}
        </fieldset>
        <Field label="Value" value={value} onInput={setValue} required hint="A whole number." />
        <Problem error={check.error} />
        <button type="submit" disabled={check.busy}>
          Send the check
        </button>
      </form>
    </section>
  );
}
