// Changing the passphrase, and locking (the key is wiped from the app's
// memory; messages wait at the relay until the next unlock).
import { useState } from 'preact/hooks';
import { api } from '../api';
import { Field, useAction } from '../parts/form';
import { Problem } from '../parts/problem';

export function Settings(props: { onLocked: () => void }) {
  const [old, setOld] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);
  const change = useAction();
  const lock = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(false);
    if (next !== again) {
      change.setError({ code: 'usage', message: 'The two new passphrases differ: type the same one twice.' });
      return;
    }
    const ok = await change.run(() => api.passwd(old, next));
    setOld('');
    setNext('');
    setAgain('');
    setDone(ok !== null);
  };

  const doLock = async () => {
    if (await lock.run(() => api.lock())) props.onLocked();
  };

  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Passphrase and lock</h2>
      <form onSubmit={submit} aria-label="Change passphrase">
        <h3>Change passphrase</h3>
        <Field label="Current passphrase" type="password" value={old} onInput={setOld} required autoComplete="current-password" />
        <Field label="New passphrase" type="password" value={next} onInput={setNext} required autoComplete="new-password" />
        <Field
          label="New passphrase again"
          type="password"
          value={again}
          onInput={setAgain}
          required
          autoComplete="new-password"
        />
        <Problem error={change.error} />
        {done && <p role="status">Passphrase changed.</p>}
        <button type="submit" disabled={change.busy}>
          Change passphrase
        </button>
      </form>
      <h3>Lock</h3>
      <p>Locking wipes the key from the app's memory. Messages wait at the relay until you unlock.</p>
      <Problem error={lock.error} />
      <button type="button" onClick={doLock} disabled={lock.busy}>
        Lock now
      </button>
    </section>
  );
}
