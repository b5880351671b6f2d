// A contact's safety number, to be read aloud and compared in person; once
// both see the same number, "compared in person" records it (for this
// identity key only: a changed key raises the alarm in the contact list).
import { useEffect, useState } from 'preact/hooks';
import { api, type FingerprintView } from '../api';
import { useAction } from '../parts/form';
import { Problem } from '../parts/problem';

function Number(props: { title: string; digits: string }) {
  // The API's text, split where it has spaces, in a grid of blocks.
  const blocks = props.digits.split(/\s+/).filter((b) => b.length > 0);
  return (
    <figure class="safety">
      <figcaption>{props.title}</figcaption>
      <div class="safety-blocks">
        {blocks.map((b, i) => (
          <code key={i}>{b}</code>
        ))}
      </div>
    </figure>
  );
}

export function SafetyNumber(props: { contact: string; onChanged: () => void }) {
  const [view, setView] = useState<FingerprintView | null>(null);
  const action = useAction();
  const load = async (compared: boolean) => {
    const v = await action.run(() => api.request<FingerprintView>('fingerprint', { contact: props.contact, compared }));
    if (v) setView(v);
    if (v && compared) props.onChanged();
  };
  useEffect(() => {
    void load(false);
  }, [props.contact]);
  return (
    <section aria-labelledby="safety-title" class="panel">
      <h3 id="safety-title">
        Safety number with <bdi dir="auto">{props.contact}</bdi>
      </h3>
      <Problem error={action.error} />
      {view && (
        <>
          <p>
            Meet or call <bdi dir="auto">{props.contact}</bdi> and compare: their app shows the same number for you. If
            it differs, someone is in between: do not talk until it matches.
          </p>
          <div class="side-by-side">
            <Number title="Your screen" digits={view.own_safety_number ?? view.safety_number} />
            <Number
              title={`${props.contact}'s screen should show`}
              digits={view.their_safety_number ?? view.safety_number}
            />
          </div>
          {view.compared ? (
            <p role="status">Compared in person.</p>
          ) : (
            <button type="button" onClick={() => load(true)} disabled={action.busy}>
              We compared it in person
            </button>
          )}
        </>
      )}
    </section>
  );
}
