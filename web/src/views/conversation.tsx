// One conversation: the messages as the app stored them (mine with their
// delivery state: queued until the relay took them, then sent; system
// notices), refreshed live when the app pushes a message or delivery event,
// the box to write a new one, and the feelers with the contact (feelers.tsx).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type MessageView, type SendView } from '../api';
import { useAction } from '../parts/form';
import { Problem } from '../parts/problem';
import { Feelers } from './feelers';

function when(ms: number): string {
  return new Date(ms).toLocaleString();
}

function Message(props: { m: MessageView }) {
  const m = props.m;
  const who = m.direction === 'out' ? 'You' : m.direction === 'system' ? 'Notice' : m.contact;
  return (
    <li class={`msg msg-${m.direction}`}>
      <p class="msg-head">
        <strong>
          <bdi dir="auto">{who}</bdi>
        </strong>{' '}
        <time>{when(m.time_ms)}</time>
        {m.direction === 'out' && m.delivery && <span class={`delivery delivery-${m.delivery}`}> · {m.delivery}</span>}
      </p>
      <p class="msg-body" dir="auto">
        {m.body}
      </p>
    </li>
  );
}

export function Conversation(props: { contact: string; refresh: number; feelers: number }) {
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [text, setText] = useState('');
  const [said, setSaid] = useState('');
  const load = useAction();
  const send = useAction();
  const end = useRef<HTMLDivElement>(null);

  const reload = async () => {
    const c = await load.run(() => api.request<{ messages: MessageView[] }>('conversation', { contact: props.contact }));
    if (c) setMessages(c.messages);
  };
  useEffect(() => {
    void reload();
  }, [props.contact, props.refresh]);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'nearest' });
  }, [messages.length]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setSaid('');
    const sent = await send.run(() => api.request<SendView>('send', { contact: props.contact, text }));
    if (sent) {
      setText('');
      if (sent.state === 'queued') setSaid(sent.reason ? `Queued: ${sent.reason}` : 'Queued: it goes out when the relay is back.');
      void reload();
    }
  };
  const onKey = (e: KeyboardEvent) => {
    // Ctrl+Enter sends (Enter alone makes a new line: messages may be long).
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
  };

  return (
    <section aria-labelledby="conversation-title" class="conversation">
      <h2 id="conversation-title">
        Conversation with <bdi dir="auto">{props.contact}</bdi>
      </h2>
      <Problem error={load.error} />
      <div class="messages" role="log" tabIndex={0} aria-label={`Messages with ${props.contact}`}>
        <ol class="plain-list">
          {messages.map((m) => (
            <Message key={m.id || `s${m.seq}`} m={m} />
          ))}
        </ol>
        <div ref={end} />
      </div>
      {messages.length === 0 && <p>No messages yet.</p>}
      <form onSubmit={submit}>
        <label class="field">
          <span>
            Message to <bdi dir="auto">{props.contact}</bdi>
          </span>
          <textarea
            value={text}
            dir="auto"
            rows={3}
            required
            onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
            onKeyDown={onKey}
          />
        </label>
        <Problem error={send.error} />
        {said && (
          <p role="status">
            <bdi dir="auto">{said}</bdi>
          </p>
        )}
        <button type="submit" disabled={send.busy}>
          Send
        </button>
      </form>
      <Feelers contact={props.contact} refresh={props.feelers} />
    </section>
  );
}
