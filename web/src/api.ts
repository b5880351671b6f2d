// The web app's only way to the server: the JSON API of the HTTP contract
// (docs/app-api.md, issue 17). Every answer is one object with "ok"; a failure
// carries {code, message} and the message says what to do, so the views show
// it as it is. The page computes no domain values: it renders these answers.

export interface ApiError {
  code: string;
  message: string;
}

export type Answer<T> = ({ ok: true } & T) | { ok: false; error: ApiError };

// Transport failures (the app stopped, a 4xx from the security checks) become
// the same error shape, so a view has one thing to render.
function transportError(status: number, text: string): ApiError {
  if (status === 0) {
    return {
      code: 'unreachable',
      message: 'The app is not answering. Is `backchannel app` still running? Start it again and open the new address it prints.',
    };
  }
  return { code: `http_${status}`, message: text || `The app answered HTTP ${status}.` };
}

// The app's split of an /api answer (its Server-Timing header, ms): how long
// it waited for the app's worker and how long it ran there. Kept beside the
// answer object (the speed figures read it; nothing else does).
export interface ServerTiming {
  wait: number;
  run: number;
}
const timings = new WeakMap<object, ServerTiming>();

function parseServerTiming(header: string | null): ServerTiming | null {
  if (!header) return null;
  const dur = (name: string) => {
    const m = new RegExp(`(?:^|,)\\s*${name};dur=([0-9.]+)`).exec(header);
    return m ? Number(m[1]) : null;
  };
  const wait = dur('wait');
  const run = dur('run');
  return wait === null || run === null ? null : { wait, run };
}

export function serverTimingOf(answer: object): ServerTiming | null {
  return timings.get(answer) ?? null;
}

async function decode<T>(response: Response): Promise<Answer<T>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { ok: false, error: transportError(response.status, '') };
  }
  if (typeof body === 'object' && body !== null && 'ok' in body) {
    const timing = parseServerTiming(response.headers.get('Server-Timing'));
    if (timing) timings.set(body, timing);
    return body as Answer<T>;
  }
  return { ok: false, error: transportError(response.status, '') };
}

async function call<T>(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<Answer<T>> {
  try {
    const init: RequestInit = { method, credentials: 'same-origin', cache: 'no-store' };
    if (method === 'POST') {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(payload ?? {});
    }
    return await decode<T>(await fetch(path, init));
  } catch {
    return { ok: false, error: transportError(0, '') };
  }
}

export interface RelayState {
  reachable: boolean;
  error?: string;
  queued_out: number;
  // Set by the server when the relay's key differs from the home's pin.
  pin_mismatch?: boolean;
}

export interface AppState {
  home: string;
  exists: boolean;
  unlocked: boolean;
  relay: RelayState;
}

export interface Qr {
  size: number;
  modules: string[];
}

export interface StatusView {
  identity_key: string;
  display_name: string;
  has_credential: boolean;
  relay: string;
  mailbox: string;
  contacts: number;
  outbox: number;
  relay_reachable: boolean;
  relay_error?: string;
  pin_mismatch?: boolean;
  credential?: CredentialView;
  identity_qr?: Qr;
}

export interface CredentialView {
  display_name: string;
  side: string;
  role: string;
  expiry: string | number;
}

export interface AuthorityView {
  label: string;
  key: string;
  fingerprint?: string;
  scoped: boolean;
  sides: string[];
  roles: string[];
  has_revocations: boolean;
}

export interface PendingView {
  number: number;
  received_ms: number;
  name: string;
  side: string;
  role: string;
  authority_key: string;
  advice?: string;
}

export interface ContactView {
  name: string;
  identity_key: string;
  authority: string;
  verified: boolean;
  safety_number_compared: boolean;
  role: string;
  replaces: string;
  key_changed: boolean;
  introduced_by: string; // talks introductions: who introduced them (empty: met directly)
}

export interface MessageView {
  seq: number;
  id: string;
  contact: string;
  direction: 'in' | 'out' | 'system';
  time_ms: number;
  body: string;
  delivery?: string;
}

export interface InviteView {
  code: string;
  contacts_told?: number;
  qr?: Qr;
}

export interface FingerprintView {
  contact: string;
  safety_number: string;
  compared: boolean;
  our_half: string;
  their_half: string;
}

export interface SendView {
  state: 'sent' | 'queued';
  contact: string;
  id: string;
  reason?: string;
}

export interface InitFields {
  display_name: string;
  passphrase: string;
  relay?: string;
  pin?: string;
  invitation?: string;
}

export const api = {
  session: (token: string) => call<object>('POST', '/api/session', { token }),
  state: () => call<AppState>('GET', '/api/state'),
  init: (fields: InitFields) => call<object>('POST', '/api/init', fields),
  unlock: (passphrase: string) => call<object>('POST', '/api/unlock', { passphrase }),
  lock: () => call<object>('POST', '/api/lock', {}),
  passwd: (old: string, next: string) => call<object>('POST', '/api/passwd', { old, new: next }),
  request: <T>(op: string, fields: Record<string, unknown> = {}) =>
    call<T>('POST', '/api/request', { op, ...fields }),
};
