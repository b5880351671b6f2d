// The talks room: who sits at the table, the conditions and where each
// stands (its guarantor confirms it under the desk), the agenda with our own
// profile, and the one timeline of the talks with the box to speak.
import type { TalksView } from '../../talks_api';
import { Profile } from './profile';
import { InviteToTable } from './table_invite';
import { Compose, Timeline } from './timeline';

export function Room(props: { view: TalksView; onChanged: () => void }) {
  const v = props.view;
  return (
    <>
      <h3>At the table</h3>
      <ul class="members">
        {v.members.map((m) => (
          <li key={m.name}>
            <bdi dir="auto">{m.name}</bdi> — {m.role}
            {m.side && <>, {m.side}</>}
            {m.name === v.host && ' (host)'}
          </li>
        ))}
      </ul>
      {v.clearance_rule && <p>Clearance at home: {v.clearance_rule}</p>}
      {v.joined && (v.host === v.me.name || v.me.role === 'envoy') && <InviteToTable view={v} onChanged={props.onChanged} />}
      {v.conditions.length > 0 && (
        <>
          <h3>Conditions</h3>
          <ul aria-label="Conditions in the room">
            {v.conditions.map((c) => (
              <li key={c.id} data-condition={c.id} data-status={c.status}>
                {c.id}: <bdi dir="auto">{c.text}</bdi> — guarantor <bdi dir="auto">{c.guarantor}</bdi>: {c.status}
                {c.note && (
                  <>
                    {' '}
                    (<q dir="auto">{c.note}</q>)
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      <Profile view={v} onChanged={props.onChanged} />
      <Timeline view={v} />
      <Compose view={v} onChanged={props.onChanged} />
    </>
  );
}
