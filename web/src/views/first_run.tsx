// First run: creates the home (as `backchannel init`), from the relay's
// address and pin or from an invitation code, which carries both. The app is
// unlocked afterwards.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { Field, useAction } from '../parts/form';
import { Problem } from '../parts/problem';

export function FirstRun(props: { home: string; onDone: () => void }) {
  const [name, setName] = useState('');
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const [from, setFrom] = useState<'relay' | 'invitation'>('relay');
  const [relay, setRelay] = useState('');
  const [pin, setPin] = useState('');
  const [invitation, setInvitation] = useState('');
  const action = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    if (pass !== again) {
      action.setError({ code: 'usage', message: 'The two passphrases differ: type the same passphrase twice.' });
      return;
    }
    const fields =
      from === 'relay'
        ? { display_name: name, passphrase: pass, relay, pin }
        : { display_name: name, passphrase: pass, invitation };
    if (await action.run(() => api.init(fields))) props.onDone();
  };

  return (
    <section aria-labelledby="first-run-title">
      <h1 id="first-run-title">Create your backchannel home</h1>
      <p>
        No home yet at <bdi dir="auto">{props.home}</bdi>. Choose your name as others will see it and a passphrase:
        it protects everything stored on this computer and cannot be recovered.
      </p>
      <form onSubmit={submit}>
        <Field label="Your name" value={name} onInput={setName} required autoFocus />
        <Field label="Passphrase" type="password" value={pass} onInput={setPass} required autoComplete="new-password" />
        <Field
          label="Passphrase again"
          type="password"
          value={again}
          onInput={setAgain}
          required
          autoComplete="new-password"
        />
        <fieldset>
          <legend>Where to connect</legend>
          <label class="choice">
            <input type="radio" name="from" checked={from === 'relay'} onChange={() => setFrom('relay')} />
            Relay address and pin (from your ministry)
          </label>
          <label class="choice">
            <input type="radio" name="from" checked={from === 'invitation'} onChange={() => setFrom('invitation')} />
            An invitation code (it names the relay)
          </label>
        </fieldset>
        {from === 'relay' ? (
          <>
            <Field label="Relay address" value={relay} onInput={setRelay} required hint="HOST:PORT" />
            <Field label="Relay pin" value={pin} onInput={setPin} required hint="64 hexadecimal characters" />
          </>
        ) : (
          <Field label="Invitation code" value={invitation} onInput={setInvitation} required multiline />
        )}
        <Problem error={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create home'}
        </button>
      </form>
    </section>
  );
}
