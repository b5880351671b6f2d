// Shown when this page has no session with the app: the address's token is
// single-use and short-lived, so a reload or an old link lands here.
import type { ApiError } from '../api';

export function NoSession(props: { error: ApiError }) {
  return (
    <section aria-labelledby="no-session-title">
      <h1 id="no-session-title">Not connected to your app</h1>
      <p role="alert">
        <bdi dir="auto">{props.error.message}</bdi>
      </p>
      <p>
        Open the address that <code>backchannel app</code> printed when it started; it works once, within a minute. To
        get a new one, stop the app and start it again.
      </p>
    </section>
  );
}
