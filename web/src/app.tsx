// The app's shell: which screen the app's state calls for (no session,
// first run, unlock, or the unlocked views), the relay banner, navigation,
// and the push channel that tells the views what to refetch.
import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError, type AppState, type RelayState } from './api';
import { listen } from './events';
import { RelayBanner } from './parts/banner';
import { Problem } from './parts/problem';
import { Authorities } from './views/authorities';
import { Contacts, KeyChangedAlarms, useContacts } from './views/contacts';
import { Conversation } from './views/conversation';
import { FirstRun } from './views/first_run';
import { Identity } from './views/identity';
import { NoSession } from './views/no_session';
import { Settings } from './views/settings';
import { Talks } from './views/talks/talks';
import { Unlock } from './views/unlock';

type Tab = 'conversations' | 'talks' | 'contacts' | 'authorities' | 'identity' | 'settings';
const tabs: [Tab, string][] = [
  ['conversations', 'Conversations'],
  ['talks', 'Talks'],
  ['contacts', 'Contacts'],
  ['authorities', 'Authorities'],
  ['identity', 'My identity'],
  ['settings', 'Passphrase and lock'],
];

function Conversations(props: { refresh: number; messages: number; feelers: number; open: string | null; onOpen: (c: string) => void }) {
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
        <Conversation contact={props.open} refresh={props.messages} feelers={props.feelers} />
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
  // Talks views refetch on every happening (issue 18).
  const [talksTick, setTalksTick] = useState(0);
  // Feeler views refetch on every feeler event (issue 15).
  const [feelersTick, setFeelersTick] = useState(0);

  useEffect(
    () =>
      listen({
        message: bumpMessages,
        delivery: bumpMessages,
        happening: () => {
          bumpMessages();
          setTalksTick((n) => n + 1);
        },
        relay: (r) => {
          setRelay(r);
          bumpMessages();
        },
        feeler: () => setFeelersTick((n) => n + 1),
        contacts: bumpContacts,
        lock: props.onLocked,
      }),
    [],
  );

  const openConversation = (c: string) => {
    setOpen(c);
    setTab('conversations');
  };
  // A key-change alarm's button: the contact's safety number, in Contacts.
  const [compare, setCompare] = useState<string | null>(null);
  const compareWith = (c: string) => {
    setCompare(c);
    setTab('contacts');
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
                    setCompare(null);
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
      {tab !== 'contacts' && <KeyChangedAlarms refresh={contactsTick} onCompare={compareWith} />}
      <main>
        {tab === 'conversations' && (
          <Conversations refresh={contactsTick} messages={messagesTick} feelers={feelersTick} open={open} onOpen={setOpen} />
        )}
        {tab === 'talks' && <Talks refresh={talksTick + contactsTick} />}
        {tab === 'contacts' && (
          <Contacts
            key={compare ?? ''}
            refresh={contactsTick}
            compare={compare}
            onOpen={openConversation}
            onChanged={bumpContacts}
          />
        )}
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
