// The people I can talk to, with whether their credential was verified and
// their safety number compared, an alarm when a contact's key changed, and
// the ways to add people (invite, accept).
import { useEffect, useState } from 'preact/hooks';
import { api, type ContactView } from '../api';
import { useAction } from '../parts/form';
import { Problem } from '../parts/problem';
import { Accept, Invite } from './invite';
import { SafetyNumber } from './safety';

export function useContacts(refresh: number) {
  const [contacts, setContacts] = useState<ContactView[]>([]);
  const load = useAction();
  useEffect(() => {
    void (async () => {
      const c = await load.run(() => api.request<{ contacts: ContactView[] }>('contacts'));
      if (c) setContacts(c.contacts);
    })();
  }, [refresh]);
  return { contacts, error: load.error };
}

export function KeyChangedAlarm(props: { contact: ContactView; onCompare: () => void }) {
  if (!props.contact.key_changed) return null;
  return (
    <p class="alarm" role="alert">
      Identity key changed: <bdi dir="auto">{props.contact.name}</bdi> presents the credential of your contact{' '}
      <bdi dir="auto">{props.contact.replaces}</bdi> from a new key. If they replaced their device or home, this is
      expected; otherwise someone else holds their credential. Compare safety numbers in person before trusting what
      arrives.{' '}
      <button type="button" onClick={props.onCompare}>
        Compare with <bdi dir="auto">{props.contact.name}</bdi>
      </button>
    </p>
  );
}

// The alarms of every contact whose key changed, for the views other than
// Contacts (which shows each beside its contact).
export function KeyChangedAlarms(props: { refresh: number; onCompare: (contact: string) => void }) {
  const { contacts } = useContacts(props.refresh);
  return (
    <>
      {contacts.map((c) => (
        <KeyChangedAlarm key={c.name} contact={c} onCompare={() => props.onCompare(c.name)} />
      ))}
    </>
  );
}

export function Contacts(props: {
  refresh: number;
  compare?: string | null;
  onOpen: (contact: string) => void;
  onChanged: () => void;
}) {
  const { contacts, error } = useContacts(props.refresh);
  const [safety, setSafety] = useState<string | null>(props.compare ?? null);
  return (
    <section aria-labelledby="contacts-title">
      <h2 id="contacts-title">Contacts</h2>
      <Problem error={error} />
      {contacts.length === 0 ? (
        <p>No contacts yet: invite someone or accept their invitation below.</p>
      ) : (
        <ul class="cards" aria-label="Contacts">
          {contacts.map((c) => (
            <li key={c.name}>
              <p>
                <strong>
                  <bdi dir="auto">{c.name}</bdi>
                </strong>{' '}
                {c.role && (
                  <span>
                    (<bdi dir="auto">{c.role}</bdi>)
                  </span>
                )}
              </p>
              <p>
                {c.verified ? 'Credential verified' : 'Credential not verified'}
                {' · '}
                {c.safety_number_compared ? 'safety number compared' : 'safety number not compared yet'}
              </p>
              {c.introduced_by && (
                <p>
                  Introduced by <bdi dir="auto">{c.introduced_by}</bdi>: credential checked, not compared in
                  person
                </p>
              )}
              <KeyChangedAlarm contact={c} onCompare={() => setSafety(c.name)} />
              <button type="button" onClick={() => props.onOpen(c.name)}>
                Talk to <bdi dir="auto">{c.name}</bdi>
              </button>{' '}
              <button type="button" onClick={() => setSafety(c.name)}>
                Safety number of <bdi dir="auto">{c.name}</bdi>
              </button>
            </li>
          ))}
        </ul>
      )}
      {safety && <SafetyNumber contact={safety} onChanged={props.onChanged} />}
      <Invite />
      <Accept onAccepted={props.onChanged} />
    </section>
  );
}
