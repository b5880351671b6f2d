// Entry point: takes the one-time token out of the address (it sits in
// scrollback and history, so it leaves the location bar at once), trades it
// for this instance's session cookie, then renders the app.
import { render } from 'preact';
import { api } from './api';
import { App } from './app';

async function start(): Promise<void> {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  let sessionError: string | undefined;
  if (match) {
    history.replaceState(null, '', location.pathname + location.search);
    const answer = await api.session(match[1]);
    if (!answer.ok) sessionError = answer.error.message;
  }
  const root = document.getElementById('root');
  if (root) render(<App sessionError={sessionError} />, root);
}

void start();
