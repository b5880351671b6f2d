// The agenda in domain order with our own profile beside it (weights, option
// values, walk-away point: from the core, null when we hold no profile).
// Before joining, the person edits the numbers; the core composes and checks
// the profile (talks.profile.compose) and the page sends its text to
// talks.join — the page never writes the profile format itself.
import { useEffect, useState } from 'preact/hooks';
import { useAction } from '../../parts/form';
import { Problem } from '../../parts/problem';
import { type Agenda, type TalksView, talksOp, utilityWords } from '../../talks_api';

type Numbers = Record<string, string>;

export function useAgenda(talks: string, refresh: unknown) {
  const [agenda, setAgenda] = useState<Agenda | null>(null);
  const load = useAction();
  useEffect(() => {
    void (async () => {
      const got = await load.run(() => talksOp<Agenda>('talks.agenda', { talks }));
      if (got) setAgenda(got.result);
    })();
  }, [talks, refresh]);
  return { agenda, error: load.error };
}

function AgendaTable(props: { agenda: Agenda }) {
  return (
    <table>
      <caption class="sr-only">The agenda with your weights and option values</caption>
      <thead>
        <tr>
          <th scope="col">Issue</th>
          <th scope="col">Your weight</th>
          <th scope="col">Options (your value)</th>
        </tr>
      </thead>
      <tbody>
        {props.agenda.issues.map((i) => (
          <tr key={i.issue}>
            <th scope="row">{i.issue}</th>
            <td>{utilityWords(i.weight)}</td>
            <td>{i.options.map((o) => `${o.option} (${utilityWords(o.value)})`).join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Editor(props: { view: TalksView; agenda: Agenda; onChanged: () => void }) {
  const a = props.agenda;
  const [weights, setWeights] = useState<Numbers>({});
  const [values, setValues] = useState<Numbers>({});
  const [reservation, setReservation] = useState('');
  const [text, setText] = useState(a.profile_text ?? '');
  const compose = useAction();
  const join = useAction();
  const num = (s: string | undefined) => (s === undefined || s === '' ? 0 : Number(s));

  const build = async () => {
    const w: Record<string, number> = {};
    const v: Record<string, Record<string, number>> = {};
    for (const i of a.issues) {
      w[i.issue] = num(weights[i.issue]);
      v[i.issue] = {};
      for (const o of i.options) v[i.issue][o.option] = num(values[`${i.issue}\u0000${o.option}`]);
    }
    const got = await compose.run(() =>
      talksOp<{ profile_text: string }>('talks.profile.compose', {
        talks: props.view.talks,
        weights: w,
        values: v,
        reservation: num(reservation),
      }),
    );
    if (got) setText(got.result.profile_text);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const fields: Record<string, unknown> = { talks: props.view.talks };
    if (text) fields.profile = text;
    if (await join.run(() => talksOp('talks.join', fields))) props.onChanged();
  };
  return (
    <form onSubmit={submit} aria-label="Your profile before joining">
      {a.issues.map((i) => (
        <fieldset key={i.issue}>
          <legend>{i.issue}</legend>
          <label class="field">
            <span>Weight of {i.issue}</span>
            <input
              type="number"
              step="any"
              min="0"
              value={weights[i.issue] ?? (i.weight ?? '').toString()}
              onInput={(e) => setWeights({ ...weights, [i.issue]: (e.currentTarget as HTMLInputElement).value })}
            />
          </label>
          {i.options.map((o) => {
            const key = `${i.issue}\u0000${o.option}`;
            return (
              <label class="field" key={key}>
                <span>
                  Value of {o.option} ({i.issue})
                </span>
                <input
                  type="number"
                  step="any"
                  min="0"
                  max="1"
                  value={values[key] ?? (o.value ?? '').toString()}
                  onInput={(e) => setValues({ ...values, [key]: (e.currentTarget as HTMLInputElement).value })}
                />
              </label>
            );
          })}
        </fieldset>
      ))}
      <label class="field">
        <span>Walk-away point (reservation)</span>
        <input
          type="number"
          step="any"
          min="0"
          max="1"
          value={reservation || (a.reservation ?? '').toString()}
          onInput={(e) => setReservation((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <button type="button" onClick={build} disabled={compose.busy}>
        Check and compose my profile
      </button>
      <Problem error={compose.error} />
      {text && <p role="status">Profile ready: the core checked and normalised it.</p>}
      <Problem error={join.error} />
      <button type="submit" disabled={join.busy}>
        Join the talks
      </button>
    </form>
  );
}

export function Profile(props: { view: TalksView; onChanged: () => void }) {
  const { agenda, error } = useAgenda(props.view.talks, props.view.joined);
  return (
    <>
      <h3>Agenda and your profile</h3>
      <Problem error={error} />
      {agenda && (
        <>
          <AgendaTable agenda={agenda} />
          <p>
            Your walk-away point: {utilityWords(agenda.reservation)}
            {!agenda.profile_held && ' (you hold no profile in these talks)'}
          </p>
          {!props.view.joined && <Editor view={props.view} agenda={agenda} onChanged={props.onChanged} />}
        </>
      )}
    </>
  );
}
