// Inviting someone (a single-use code, as text with a copy button and as a
// QR code; rotating makes a new one and retires the old) and accepting
// someone's code.
import { useState } from 'preact/hooks';
import { api, type InviteView } from '../api';
import { CopyButton } from '../parts/copy';
import { Field, useAction } from '../parts/form';
import { Problem } from '../parts/problem';
import { QrCode } from '../parts/qr';

export function Invite() {
  const [invite, setInvite] = useState<InviteView | null>(null);
  const action = useAction();
  const make = async (rotate: boolean) => {
    const view = await action.run(() => api.request<InviteView>('invite', { rotate }));
    if (view) setInvite(view);
  };
  return (
    <section aria-labelledby="invite-title">
      <h3 id="invite-title">Invite someone</h3>
      <p>The code works once. Give it in person or over a channel you trust.</p>
      <button type="button" onClick={() => make(false)} disabled={action.busy}>
        Show my invitation
      </button>{' '}
      <button type="button" onClick={() => make(true)} disabled={action.busy}>
        New invitation (the old code stops working)
      </button>
      <Problem error={action.error} />
      {invite && (
        <div class="invite">
          <label class="field">
            <span>Invitation code</span>
            <textarea readOnly rows={4} value={invite.code} />
          </label>
          <CopyButton text={invite.code} what="invitation code" />
          <QrCode qr={invite.qr} label="Invitation code as a QR code" />
        </div>
      )}
    </section>
  );
}

export function Accept(props: { onAccepted: (contact: string) => void }) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [said, setSaid] = useState('');
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    setSaid('');
    const fields: Record<string, unknown> = { code: code.trim() };
    if (name.trim()) fields.name = name.trim();
    const view = await action.run(() => api.request<{ contact: string; authority: string }>('accept', fields));
    if (view) {
      setCode('');
      setName('');
      setSaid(`Added ${view.contact} (vouched for by ${view.authority}).`);
      props.onAccepted(view.contact);
    }
  };
  return (
    <section aria-labelledby="accept-title">
      <h3 id="accept-title">Accept an invitation</h3>
      <form onSubmit={submit}>
        <Field label="Code you received" value={code} onInput={setCode} required multiline />
        <Field label="Name for this contact (optional)" value={name} onInput={setName} />
        <Problem error={action.error} />
        {said && (
          <p role="status">
            <bdi dir="auto">{said}</bdi>
          </p>
        )}
        <button type="submit" disabled={action.busy}>
          Accept invitation
        </button>
      </form>
    </section>
  );
}
