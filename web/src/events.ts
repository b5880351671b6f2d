// The app's push channel (Server-Sent Events on /api/events): each event
// names what changed; the views refetch the view models it concerns.
export interface Handlers {
  message: (data: { contact?: string }) => void;
  delivery: (data: { contact?: string }) => void;
  relay: (data: { reachable: boolean; error?: string; queued_out: number; pin_mismatch?: boolean }) => void;
  contacts: () => void;
  happening: () => void;
  // Feeler exchanges moved while the app listened (their answers are posted).
  feeler: () => void;
  lock: () => void;
}

export function listen(handlers: Handlers): () => void {
  const source = new EventSource('/api/events');
  const on = <K extends keyof Handlers>(name: K) =>
    source.addEventListener(name, (e) => {
      let data: unknown = {};
      try {
        data = JSON.parse((e as MessageEvent<string>).data);
      } catch {
        return; // not the app's JSON: ignore rather than act on it
      }
      (handlers[name] as (d: unknown) => void)(data);
    });
  on('message');
  on('delivery');
  on('relay');
  on('contacts');
  on('happening');
  on('feeler');
  on('lock');
  return () => source.close();
}
