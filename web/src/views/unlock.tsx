// Unlock: the passphrase opens the store once; the app keeps it open until
// it is locked.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { Field, useAction } from '../parts/form';
import { Problem } from '../parts/problem';

export function Unlock(props: { home: string; onDone: () => void }) {
  const [pass, setPass] = useState('');
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const done = await action.run(() => api.unlock(pass));
    setPass('');
    if (done) props.onDone();
  };
  return (
    <section aria-labelledby="unlock-title">
      <h1 id="unlock-title">Unlock backchannel</h1>
      <p>
        Home: <bdi dir="auto">{props.home}</bdi>
      </p>
      <form onSubmit={submit}>
        <Field
          label="Passphrase"
          type="password"
          value={pass}
          onInput={setPass}
          required
          autoComplete="current-password"
          autoFocus
        />
        <Problem error={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </form>
    </section>
  );
}
