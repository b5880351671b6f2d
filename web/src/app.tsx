// The app's shell: which screen the app's state calls for (no session,
// first run, unlock, or the unlocked views), the relay banner, navigation,
// and the push channel that tells the views what to refetch.
import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError, type AppState, type RelayState } from './api';
import { listen } from './events';
import { RelayBanner } from './parts/banner';
import { Problem } from './parts/problem';
import { Authorities } from './views/authorities';
import { Contacts, useContacts } from './views/contacts';
import { Conversation } from './views/conversation';
import { FirstRun } from './views/first_run';
import { Identity } from './views/identity';
import { NoSession } from './views/no_session';
import { Settings } from './views/settings';
import { Unlock } from './views/unlock';

type Tab = 'conversations' | 'contacts' | 'authorities' | 'identity' | 'settings';
const tabs: [Tab, string][] = [
  ['conversations', 'Conversations'],
  ['contacts', 'Contacts'],
  ['authorities', 'Authorities'],
  ['identity', 'My identity'],
  ['settings', 'Passphrase and lock'],
];

function Conversations(props: { refresh: number; messages: number; open: string | null; onOpen: (c: string) => void }) {
  const { contacts, error } = useContacts(props.refresh);
  return (
    <div class="split">
      <nav aria-label="Conversations">
        <Problem error={error} />
        {contacts.length === 0 && <p>No contacts yet: add one under Contacts.</p>}
        <ul class="plain">
          {contacts.map((c) => (
            <li key={c.name}>
              <button type="button" aria-current={props.open === c.name ? 'true' : undefined} onClick={() => props.onOpen(c.name)}>
                <bdi dir="auto">{c.name}</bdi>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {props.open ? (
        <Conversation contact={props.open} refresh={props.messages} />
      ) : (
        <p>Choose a contact to read and write.</p>
      )}
    </div>
  );
}

function Unlocked(props: { state: AppState; onLocked: () => void }) {
  const [tab, setTab] = useState<Tab>('conversations');
  const [relay, setRelay] = useState<RelayState>(props.state.relay);
  const [open, setOpen] = useState<string | null>(null);
  // Bumped by push events: the views that show the data refetch.
  const [contactsTick, setContactsTick] = useState(0);
  const [messagesTick, setMessagesTick] = useState(0);
  const bumpContacts = () => setContactsTick((n) => n + 1);
  const bumpMessages = () => setMessagesTick((n) => n + 1);

  useEffect(
    () =>
      listen({
        message: bumpMessages,
        delivery: bumpMessages,
        happening: bumpMessages,
        relay: (r) => {
          setRelay(r);
          bumpMessages();
        },
        contacts: bumpContacts,
        lock: props.onLocked,
      }),
    [],
  );

  const openConversation = (c: string) => {
    setOpen(c);
    setTab('conversations');
  };

  return (
    <>
      <header>
        <h1 class="brand">backchannel</h1>
        <nav aria-label="Main">
          <ul class="tabs">
            {tabs.map(([id, label]) => (
              <li key={id}>
                <button
                  type="button"
                  aria-current={tab === id ? 'page' : undefined}
                  onClick={() => {
                    // Choosing a view (again) shows it as it is now.
                    setTab(id);
                    bumpContacts();
                  }}
                >
                  {label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <RelayBanner relay={relay} />
      <main>
        {tab === 'conversations' && (
          <Conversations refresh={contactsTick} messages={messagesTick} open={open} onOpen={setOpen} />
        )}
        {tab === 'contacts' && <Contacts refresh={contactsTick} onOpen={openConversation} onChanged={bumpContacts} />}
        {tab === 'authorities' && <Authorities refresh={contactsTick} />}
        {tab === 'identity' && <Identity refresh={contactsTick} />}
        {tab === 'settings' && <Settings onLocked={props.onLocked} />}
      </main>
    </>
  );
}

export function App(props: { sessionError?: string }) {
  const [state, setState] = useState<AppState | null>(null);
  const [error, setError] = useState<ApiError | null>(
    props.sessionError ? { code: 'bad_token', message: props.sessionError } : null,
  );
  const [noSession, setNoSession] = useState<ApiError | null>(null);

  const refresh = async () => {
    const answer = await api.state();
    if (answer.ok) {
      setState(answer);
      setNoSession(null);
    } else if (answer.error.code === 'no_session' || answer.error.code === 'bad_token') {
      setNoSession(error ?? answer.error);
    } else {
      setError(answer.error);
    }
  };
  useEffect(() => {
    void refresh();
  }, []);

  if (noSession) return <main><NoSession error={noSession} /></main>;
  if (!state) {
    return (
      <main>
        <Problem error={error} />
        {!error && <p role="status">Loading…</p>}
      </main>
    );
  }
  if (!state.exists) return <main><FirstRun home={state.home} onDone={refresh} /></main>;
  if (!state.unlocked) return <main><Unlock home={state.home} onDone={refresh} /></main>;
  return <Unlocked state={state} onLocked={refresh} />;
}
