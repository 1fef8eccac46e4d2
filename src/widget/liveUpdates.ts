/**
 * Subscribes to the thread's server-sent events. EventSource reconnects by itself (sending
 * Last-Event-ID) after a dropped connection; it gives up only when the server answers with an
 * error status, and then we try again later with a growing delay. Returns the unsubscribe function.
 */
export function subscribe(url: string, handlers: Record<string, (data: unknown) => void>): () => void {
  if (typeof EventSource === 'undefined') return () => {};
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let delay = 5_000;
  let stopped = false;

  const open = () => {
    const es = new EventSource(url);
    source = es;
    for (const [type, handle] of Object.entries(handlers)) {
      es.addEventListener(type, (event) => {
        let data: unknown;
        try {
          data = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          console.warn(`[parley] ignored a malformed "${type}" event`);
          return;
        }
        handle(data);
      });
    }
    es.onopen = () => {
      delay = 5_000;
    };
    es.onerror = () => {
      if (stopped || es.readyState !== EventSource.CLOSED) return;
      retry = setTimeout(open, delay);
      delay = Math.min(delay * 2, 5 * 60_000);
    };
  };
  open();

  return () => {
    stopped = true;
    clearTimeout(retry);
    source?.close();
  };
}
