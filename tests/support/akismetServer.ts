import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

// A real HTTP server speaking Akismet's REST protocol (https://akismet.com/developers/),
// so tests exercise the real akismet-api client end to end instead of mocking it.
//
// Why a Unix socket and not a TCP port: akismet-api builds its URL as
// `${protocol}://${key}.${host}/1.1/...`, so the API key becomes a subdomain, and
// `testkey.localhost` does not resolve on this machine (getaddrinfo, no nss-myhostname).
// superagent (which akismet-api uses) supports `http+unix://<url-encoded socket path>/...`;
// with protocol `http+unix` and host `%2Ftmp%2F...sock`, the key lands in the Host header
// (`testkey.`), just as it does against rest.akismet.com, and the socket path picks the server.
// Each server gets its own temporary directory, so parallel test files never collide and
// need neither a free port, root, nor DNS.

/** The Akismet answer every successful submit-spam / submit-ham returns. */
export const submitThanks = 'Thanks for making the web a better place.';

/** Akismet's documented test triggers. */
export const guaranteedSpamAuthor = 'akismet-guaranteed-spam';
export const guaranteedSpamEmail = 'akismet-guaranteed-spam@example.com';

/**
 * How the server misbehaves:
 * - `hang`: reads the request, never answers (until the client gives up or the server stops);
 * - `error500`: answers 500;
 * - `refuse`: stops listening, leaving a dead socket file, so connecting fails with ECONNREFUSED;
 * - `{ slowMs }`: answers normally after a delay.
 */
export type AkismetFailureMode = 'none' | 'hang' | 'error500' | 'refuse' | { slowMs: number };

export interface RecordedAkismetRequest {
  /** e.g. `/1.1/comment-check`. */
  path: string;
  /** The API key as Akismet reads it: the `api_key` field, else the Host subdomain. */
  key: string | null;
  host: string | null;
  userAgent: string | null;
  /** The form fields, decoded. */
  params: Record<string, string>;
  /** Status and body the server answered with; null while unanswered (or never, for `hang`). */
  answer: { status: number; body: string } | null;
  /** The connection closed before an answer was sent: the client gave up (its timeout), or the server stopped. */
  closedBeforeAnswer: boolean;
}

export interface AkismetServerOptions {
  /** Keys the server accepts; defaults to `['testkey']`. */
  validKeys?: string[];
}

export interface AkismetTestServer {
  /** Pass these to `createAkismetChecker` to reach this server. */
  readonly endpoint: { protocol: string; host: string };
  /** A key the server accepts. */
  readonly key: string;
  /** Every request so far, oldest first. */
  readonly requests: RecordedAkismetRequest[];
  /** Requests to one endpoint, e.g. `requestsTo('comment-check')`. */
  requestsTo(endpoint: 'verify-key' | 'comment-check' | 'submit-spam' | 'submit-ham'): RecordedAkismetRequest[];
  /** Switches how the server behaves from the next request on. */
  setFailure(mode: AkismetFailureMode): Promise<void>;
  /** An extra scripted rule for comment-check (after the documented triggers); null removes it. */
  setSpamRule(rule: ((params: Record<string, string>) => boolean) | null): void;
  /** Back to a well-behaved server with no recorded requests and the default spam rule (for beforeEach). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Content containing this marker is spam under the default scripted rule. */
export const spamMarker = '[[akismet-test-spam]]';

export async function startAkismetServer(options: AkismetServerOptions = {}): Promise<AkismetTestServer> {
  const validKeys = new Set((options.validKeys ?? ['testkey']).map((k) => k.toLowerCase()));
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'parley-akismet-'));
  const socketPath = path.join(dir, 'akismet.sock');
  const requests: RecordedAkismetRequest[] = [];
  const unanswered = new Set<http.ServerResponse>();
  let failure: AkismetFailureMode = 'none';
  const defaultSpamRule = (p: Record<string, string>): boolean => (p.comment_content ?? '').includes(spamMarker);
  let spamRule: ((params: Record<string, string>) => boolean) | null = defaultSpamRule;

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(raw));
      const host = req.headers.host ?? null;
      const record: RecordedAkismetRequest = {
        path: (req.url ?? '').split('?')[0] ?? '',
        key: params.api_key ?? keyFromHost(host),
        host,
        userAgent: req.headers['user-agent'] ?? null,
        params,
        answer: null,
        closedBeforeAnswer: false,
      };
      requests.push(record);
      unanswered.add(res);
      res.on('close', () => {
        unanswered.delete(res);
        if (!res.writableFinished) record.closedBeforeAnswer = true;
      });

      const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
        if (res.destroyed) return;
        record.answer = { status, body };
        res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
        res.end(body);
      };
      const mode = failure;
      if (mode === 'hang') return;
      if (mode === 'error500') return send(500, 'Internal Server Error');
      const answer = (): void => {
        const [status, body, headers] = respond(record.path, record.key, params);
        send(status, body, headers);
      };
      if (typeof mode === 'object') setTimeout(answer, mode.slowMs);
      else answer();
    });
  });

  const respond = (
    route: string,
    key: string | null,
    params: Record<string, string>,
  ): [number, string, Record<string, string>?] => {
    const keyOk = key !== null && validKeys.has(key.toLowerCase());
    if (route === '/1.1/verify-key') {
      const k = params.key ?? params.api_key;
      if (k && validKeys.has(k.toLowerCase()) && params.blog) return [200, 'valid'];
      return [200, 'invalid', { 'X-akismet-debug-help': k ? 'The API key is not valid.' : 'Empty "api_key" value' }];
    }
    if (!['/1.1/comment-check', '/1.1/submit-spam', '/1.1/submit-ham'].includes(route)) return [404, 'Not found'];
    if (!keyOk) return [200, 'invalid', { 'X-akismet-debug-help': 'We were unable to parse your API key.' }];
    // Akismet's required fields: api_key (checked above), blog and user_ip.
    for (const field of ['blog', 'user_ip']) {
      if (!params[field]) return [200, 'invalid', { 'X-akismet-debug-help': `Empty "${field}" value` }];
    }
    if (route !== '/1.1/comment-check') return [200, submitThanks];
    // Documented: an administrator is never spam, and the guaranteed-spam author/email always is.
    if (params.user_role === 'administrator') return [200, 'false'];
    if (params.comment_author === guaranteedSpamAuthor || params.comment_author_email === guaranteedSpamEmail) {
      return [200, 'true'];
    }
    return [200, spamRule?.(params) ? 'true' : 'false'];
  };

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      for (const res of unanswered) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });

  await listen();

  const api: AkismetTestServer = {
    endpoint: { protocol: 'http+unix', host: encodeURIComponent(socketPath) },
    key: [...validKeys][0] ?? 'testkey',
    requests,
    requestsTo: (endpoint) => requests.filter((r) => r.path === `/1.1/${endpoint}`),
    async setFailure(mode) {
      if (mode === failure) return;
      if (mode === 'refuse') {
        // Closing a Unix-socket server deletes the socket file (connect would then fail with
        // ENOENT). A hard link keeps the socket inode, and with nobody listening on it,
        // connecting fails with ECONNREFUSED: the same error as a TCP port with no server.
        const keep = `${socketPath}.refusing`;
        await fs.promises.link(socketPath, keep);
        await close();
        await fs.promises.rename(keep, socketPath);
      } else if (failure === 'refuse') {
        await fs.promises.rm(socketPath, { force: true });
        await listen();
      }
      failure = mode;
    },
    setSpamRule(rule) {
      spamRule = rule;
    },
    async reset() {
      await api.setFailure('none');
      for (const res of unanswered) res.destroy();
      requests.length = 0;
      spamRule = defaultSpamRule;
    },
    async stop() {
      if (server.listening) await close();
      await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
  return api;
}

/** Akismet 1.1 reads the key from the subdomain: `KEY.rest.akismet.com`. */
function keyFromHost(host: string | null): string | null {
  if (!host) return null;
  const dot = host.indexOf('.');
  return dot > 0 ? host.slice(0, dot) : null;
}
