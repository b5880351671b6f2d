// Who I am: the identity key as text and QR (for the authority that
// accredits me), the credential it issued (imported from its file) and my
// credential's details.
import { useEffect, useState } from 'preact/hooks';
import { api, type CredentialView, type StatusView } from '../api';
import { CopyButton } from '../parts/copy';
import { useAction } from '../parts/form';
import { Problem } from '../parts/problem';
import { QrCode } from '../parts/qr';

export function Identity(props: { refresh: number }) {
  const [status, setStatus] = useState<StatusView | null>(null);
  const [credential, setCredential] = useState<CredentialView | null>(null);
  const load = useAction();
  const importing = useAction();

  const reload = async () => {
    const s = await load.run(() => api.request<StatusView>('status'));
    if (s) setStatus(s);
  };
  useEffect(() => {
    void reload();
  }, [props.refresh]);

  const onFile = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    // The file ends with a newline; the credential itself is one token.
    const text = (await file.text()).trim();
    input.value = '';
    const view = await importing.run(() => api.request<CredentialView>('credential.import', { credential: text }));
    if (view) {
      setCredential(view);
      void reload();
    }
  };

  const own = credential ?? status?.credential ?? null;
  return (
    <section aria-labelledby="identity-title">
      <h2 id="identity-title">My identity</h2>
      <Problem error={load.error} />
      {status && (
        <>
          <p>
            Name: <bdi dir="auto">{status.display_name}</bdi>
          </p>
          <h3>Identity key</h3>
          <p>Give this key to your ministry's authority so it can issue your credential.</p>
          <p>
            <code class="key" aria-label="Identity key">
              {status.identity_key}
            </code>
          </p>
          <CopyButton text={status.identity_key} what="identity key" />
          <QrCode qr={status.identity_qr} label="Identity key as a QR code" />
          <h3>Credential</h3>
          {own ? (
            <dl class="credential" aria-label="My credential">
              <dt>Name</dt>
              <dd>
                <bdi dir="auto">{own.display_name}</bdi>
              </dd>
              <dt>Side</dt>
              <dd>
                <bdi dir="auto">{own.side}</bdi>
              </dd>
              <dt>Role</dt>
              <dd>
                <bdi dir="auto">{own.role}</bdi>
              </dd>
              <dt>Expires</dt>
              <dd>{String(own.expiry)}</dd>
            </dl>
          ) : (
            <p>{status.has_credential ? 'You hold a credential.' : 'No credential yet: import the file your authority sent.'}</p>
          )}
          <label class="field">
            <span>Import credential file</span>
            <input type="file" onChange={onFile} disabled={importing.busy} />
          </label>
          {credential && <p role="status">Credential imported.</p>}
          <Problem error={importing.error} />
        </>
      )}
    </section>
  );
}
