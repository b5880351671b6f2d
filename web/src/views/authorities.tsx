// The authorities I trust to vouch for the people I talk to (their side,
// roles and key), adding and removing them; and the requests waiting on an
// authority I do not trust yet, with what to do about them.
import { useEffect, useState } from 'preact/hooks';
import { api, type AuthorityView, type PendingView } from '../api';
import { Field, useAction } from '../parts/form';
import { Problem } from '../parts/problem';

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function TrustForm(props: { initialKey?: string; onDone: () => void; title: string }) {
  const [key, setKey] = useState(props.initialKey ?? '');
  const [label, setLabel] = useState('');
  const [sides, setSides] = useState('');
  const [roles, setRoles] = useState('');
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const fields = { key, label, sides: list(sides), roles: list(roles) };
    if (await action.run(() => api.request('trust.add', fields))) {
      setKey('');
      setLabel('');
      setSides('');
      setRoles('');
      props.onDone();
    }
  };
  return (
    <form onSubmit={submit} aria-label={props.title}>
      <Field label="Authority key" value={key} onInput={setKey} required />
      <Field label="Label" value={label} onInput={setLabel} hint="How you will call it; empty: its first side" />
      <Field
        label="Sides it may vouch for"
        value={sides}
        onInput={setSides}
        required
        hint="Comma-separated, at least one (for example: Iran)"
      />
      <Field
        label="Roles it may vouch for"
        value={roles}
        onInput={setRoles}
        hint="Comma-separated: envoy, principal, mediator; empty: all three"
      />
      <Problem error={action.error} />
      <button type="submit" disabled={action.busy}>
        Trust this authority
      </button>
    </form>
  );
}

function Pending(props: { pending: PendingView[]; onTrusted: () => void }) {
  const [chosen, setChosen] = useState<number | null>(null);
  if (props.pending.length === 0) return <p>No request is waiting.</p>;
  return (
    <ul class="cards" aria-label="Waiting requests">
      {props.pending.map((p) => (
        <li key={p.number}>
          <p>
            <bdi dir="auto">{p.name}</bdi> (<bdi dir="auto">{p.side}</bdi>, <bdi dir="auto">{p.role}</bdi>) wants to
            talk, vouched for by an authority you do not trust yet:
          </p>
          <p>
            <code class="key">{p.authority_key}</code>
          </p>
          <p>
            {p.advice ??
              'If your ministry confirms this is the other side\'s authority, trust it: the request then goes through. Otherwise leave it.'}
          </p>
          {chosen === p.number ? (
            <TrustForm
              title={`Trust the authority of ${p.name}`}
              initialKey={p.authority_key}
              onDone={() => {
                setChosen(null);
                props.onTrusted();
              }}
            />
          ) : (
            <button type="button" onClick={() => setChosen(p.number)}>
              Trust the authority of <bdi dir="auto">{p.name}</bdi>…
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

export function Authorities(props: { refresh: number }) {
  const [authorities, setAuthorities] = useState<AuthorityView[]>([]);
  const [pending, setPending] = useState<PendingView[]>([]);
  const [tick, setTick] = useState(0);
  const load = useAction();
  const remove = useAction();

  useEffect(() => {
    void (async () => {
      const t = await load.run(() => api.request<{ authorities: AuthorityView[] }>('trust.list'));
      if (t) setAuthorities(t.authorities);
      const p = await load.run(() => api.request<{ pending: PendingView[] }>('pending'));
      if (p) setPending(p.pending);
    })();
  }, [props.refresh, tick]);
  const again = () => setTick((n) => n + 1);

  return (
    <section aria-labelledby="authorities-title">
      <h2 id="authorities-title">Authorities</h2>
      <Problem error={load.error} />
      <h3>Waiting requests</h3>
      <Pending pending={pending} onTrusted={again} />
      <h3>Trusted authorities</h3>
      {authorities.length === 0 ? (
        <p>You trust no authority yet. Add your own ministry's first.</p>
      ) : (
        <table>
          <caption class="sr-only">Trusted authorities</caption>
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">Sides</th>
              <th scope="col">Roles</th>
              <th scope="col">Fingerprint</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {authorities.map((a) => (
              <tr key={a.label}>
                <td>
                  <bdi dir="auto">{a.label}</bdi>
                </td>
                <td>{a.sides.length ? a.sides.map((s) => <bdi dir="auto" key={s}>{s} </bdi>) : 'any side'}</td>
                <td>{a.roles.length ? a.roles.map((r) => <bdi dir="auto" key={r}>{r} </bdi>) : 'any role'}</td>
                <td>
                  <code class="key">{a.fingerprint ?? a.key}</code>
                </td>
                <td>
                  <button
                    type="button"
                    disabled={remove.busy}
                    onClick={async () => {
                      if (await remove.run(() => api.request('trust.remove', { label: a.label }))) again();
                    }}
                  >
                    Remove <bdi dir="auto">{a.label}</bdi>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Problem error={remove.error} />
      <h3>Add an authority</h3>
      <TrustForm title="Add an authority" onDone={again} />
    </section>
  );
}
