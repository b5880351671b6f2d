// The relay's state, always visible while it is not good: unreachable (with
// how many messages wait in the outbox), or a pin mismatch: the relay's key
// is not the one this home was set up with, which may be an interception.
import type { RelayState } from '../api';

export function RelayBanner(props: { relay: RelayState }) {
  const r = props.relay;
  if (r.pin_mismatch) {
    return (
      <div class="alarm banner" role="alert">
        <strong>Relay pin mismatch.</strong> The relay's key is not the pinned one: someone may be intercepting. Nothing
        is sent. Ask your ministry for the relay's pin before going on.
        {r.error && (
          <>
            {' '}
            <bdi dir="auto">{r.error}</bdi>
          </>
        )}
      </div>
    );
  }
  if (r.reachable) return null;
  return (
    <div class="warning banner" role="status">
      <strong>
        Relay unreachable — {r.queued_out} queued.
      </strong>{' '}
      Messages wait in your outbox and go out when it is back.
      {r.error && (
        <>
          {' '}
          (<bdi dir="auto">{r.error}</bdi>)
        </>
      )}
    </div>
  );
}
