// Inviting a contact to the table (talks.invite): the host seats anyone, an
// envoy the principals of its own side; the core refuses what the role may
// not do and the error says why. The contact's client takes the seat when
// it receives the invitation (their join is theirs to make).
import { useState } from 'preact/hooks';
import type { TalksView } from '../../talks_api';
import { talksOp } from '../../talks_api';
import { useAction } from '../../parts/form';
import { Problem } from '../../parts/problem';
import { useContacts } from '../contacts';

const ROLES: [string, string][] = [
  ['envoy', 'envoy of a side'],
  ['principal', 'principal at home (clears the side\'s drafts)'],
  ['mediator', 'mediator'],
  ['guarantor', 'guarantor (confirms conditions)'],
  ['track2', 'Track 2 (unofficial, no side)'],
];

export function InviteToTable(props: { view: TalksView; onChanged: () => void }) {
  const { contacts, error } = useContacts(0);
  const [contact, setContact] = useState('');
  const [role, setRole] = useState('envoy');
  const [said, setSaid] = useState('');
  const invite = useAction();
  const seated = new Set(props.view.members.map((m) => m.name));
  const candidates = contacts.filter((c) => !seated.has(c.name));

  const submit = async (e: Event) => {
    e.preventDefault();
    setSaid('');
    const got = await invite.run(() => talksOp('talks.invite', { talks: props.view.talks, contact, role }));
    if (got) {
      setSaid(`${contact} is invited as ${role}.`);
      setContact('');
      props.onChanged();
    }
  };
  return (
    <form onSubmit={submit} aria-label="Invite to the table">
      <h3>Invite to the table</h3>
      <Problem error={error} />
      {candidates.length === 0 ? (
        <p>Every contact of yours is at the table already; add contacts first (Contacts).</p>
      ) : (
        <>
          <div class="field">
            <label for="invite-contact">Contact</label>
            <select id="invite-contact" value={contact} onChange={(e) => setContact((e.currentTarget as HTMLSelectElement).value)} required>
              <option value="">— choose —</option>
              {candidates.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="invite-role">Role</label>
            <select id="invite-role" value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value)}>
              {ROLES.map(([value, words]) => (
                <option key={value} value={value}>
                  {words}
                </option>
              ))}
            </select>
          </div>
          <Problem error={invite.error} />
          <button type="submit" disabled={invite.busy || !contact}>
            Invite
          </button>
        </>
      )}
      {said && (
        <p role="status">
          <bdi dir="auto">{said}</bdi>
        </p>
      )}
    </form>
  );
}
