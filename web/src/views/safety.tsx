// A contact's safety number, to be read aloud and compared in person: its
// two halves side by side, ours and theirs (as Signal shows them: each is
// one party's identity key, computed by the app core); once both match,
// "compared in person" records it (for this identity key only: a changed
// key raises the alarm in the contact list).
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
            Meet <bdi dir="auto">{props.contact}</bdi> and compare, half by half: your half on your screen is the half
            for you on theirs, and theirs is yours. If either differs, someone is in between: do not talk until both
            match.
          </p>
          <div class="side-by-side">
            <Number title="Your half" digits={view.our_half} />
            <Number title={`${props.contact}'s half`} digits={view.their_half} />
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
