// Opening talks from the app (talks.create): an id, a title, the agenda (a
// domain file the person picks; the core parses and checks it), the sides,
// and the host's own side's clearance rule. The person who opens them hosts
// them; inviting people to the table is in the room (invite.tsx).
import { useState } from 'preact/hooks';
import { talksOp } from '../../talks_api';
import { Field, useAction } from '../../parts/form';
import { Problem } from '../../parts/problem';

export function CreateTalks(props: { onCreated: (talks: string) => void; onCancel: () => void }) {
  const [id, setId] = useState('');
  const [title, setTitle] = useState('');
  const [domain, setDomain] = useState('');
  const [agendaName, setAgendaName] = useState('');
  const [sides, setSides] = useState('');
  const [rule, setRule] = useState('');
  const create = useAction();

  const pickAgenda = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    setAgendaName(file.name);
    setDomain(await file.text());
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const fields: Record<string, unknown> = {
      talks: id.trim(),
      title: title.trim(),
      domain,
      sides: sides
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => s),
    };
    if (rule.trim()) fields.rule = rule.trim();
    if (await create.run(() => talksOp('talks.create', fields))) props.onCreated(id.trim());
  };
  return (
    <form onSubmit={submit} aria-label="Open new talks" class="panel">
      <h3>Open new talks</h3>
      <p>You host the talks you open: you sequence every move and invite people to the table.</p>
      <Field label="Talks id (a short word, e.g. geneva)" value={id} onInput={setId} required />
      <Field label="Title" value={title} onInput={setTitle} required />
      <div class="field">
        <label for="create-agenda">Agenda (a domain file: backchannel JSON or GENIUS XML)</label>
        <input id="create-agenda" type="file" accept=".json,.xml,application/json,text/xml" onChange={pickAgenda} required />
        {agendaName && <p>Read {agendaName}.</p>}
      </div>
      <Field label="Sides, one a line" value={sides} onInput={setSides} multiline required />
      <Field
        label="Your side's clearance rule (optional)"
        value={rule}
        onInput={setRule}
        hint="For example approve=State,NSC;veto=Pentagon. A mediator has no side: leave it empty."
      />
      <Problem error={create.error} />
      <button type="submit" disabled={create.busy}>
        Open the talks
      </button>{' '}
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}
