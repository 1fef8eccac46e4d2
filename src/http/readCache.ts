import crypto from 'node:crypto';
import zlib from 'node:zlib';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { AppEnv } from './env.js';

/**
 * A short-lived in-process cache of public JSON reads (a thread page, counts), held
 * compressed, with its ETag.
 *
 * Why: a big story sends thousands of readers a second to one thread, and every one of
 * them would otherwise cost the same queries, the same JSON and the same compression
 * (about 7 ms of CPU for a page of 50 comments with replies). Here each distinct URL is
 * built once per `ttlMs` (default 1 s), and concurrent misses wait for the one
 * computation in flight instead of all running it.
 *
 * Why it stays correct: an entry is dropped as soon as its thread changes, on whatever
 * instance the change happened (live events reach every instance through LISTEN/NOTIFY),
 * and every successful write handled by this instance drops everything, so a reader always
 * sees their own change on the next read. Changes that raise no event and come from
 * elsewhere (a CLI erasure, another instance closing a thread) show within `ttlMs`, well
 * inside the 5 s that browsers and CDNs are already allowed to cache these responses for.
 * A computation that overlaps an invalidation is served but not kept, so a read that began
 * before a write can never be cached after it.
 */
export interface ReadCache {
  /** Serves GET requests from the cache, computing and storing misses. */
  middleware: MiddlewareHandler<AppEnv>;
  /** Drops everything cached for a thread key (on any site: keys are rarely shared, and over-dropping is safe). */
  dropThread(threadKey: string): void;
  dropAll(): void;
  stats(): { entries: number; bytes: number; hits: number; misses: number; computed: number };
}

export interface ReadCacheOptions {
  /** How long an entry may be served; 0 turns storing off (responses are still encoded here). */
  ttlMs: number;
  /** The app's clock: an entry also expires when it moves on (tests move it). */
  clock: () => Date;
  maxBytes?: number;
  maxEntries?: number;
}

interface Entry {
  etag: string;
  contentType: string;
  identity: Buffer;
  encoded: Partial<Record<Encoding, Buffer>>;
  filledAt: number;
  filledClock: number;
  threads: string[];
  bytes: number;
}

type Encoding = 'br' | 'gzip';

/** Below this, compressing costs more than it saves (hono's compress uses the same threshold). */
const COMPRESS_THRESHOLD = 1024;

export function createReadCache(opts: ReadCacheOptions): ReadCache {
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const maxEntries = opts.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();
  const byThread = new Map<string, Set<string>>();
  const inFlight = new Map<string, Promise<Entry | null>>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  let computed = 0;
  // Bumped by every invalidation: a computation that saw it change is not stored.
  let epoch = 0;

  const fresh = (entry: Entry | undefined): entry is Entry =>
    entry !== undefined &&
    performance.now() - entry.filledAt < opts.ttlMs &&
    Math.abs(opts.clock().getTime() - entry.filledClock) < opts.ttlMs;

  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.bytes;
    for (const t of entry.threads) byThread.get(t)?.delete(key);
  };

  const store = (key: string, entry: Entry) => {
    remove(key);
    entries.set(key, entry);
    bytes += entry.bytes;
    for (const t of entry.threads) {
      let keys = byThread.get(t);
      if (!keys) byThread.set(t, (keys = new Set()));
      keys.add(key);
    }
    // Oldest first: Map keeps insertion order.
    for (const oldest of entries.keys()) {
      if (bytes <= maxBytes && entries.size <= maxEntries) break;
      remove(oldest);
    }
  };

  /** Runs the route once and keeps its 200 JSON answer; anything else is passed through untouched. */
  const compute = async (c: Context<AppEnv>, next: Next, threads: string[]): Promise<Entry | null> => {
    computed++;
    const filledAt = performance.now();
    const filledClock = opts.clock().getTime();
    await next();
    const res = c.res;
    const contentType = res.headers.get('content-type') ?? '';
    if (res.status !== 200 || !contentType.startsWith('application/json')) return null;
    const identity = Buffer.from(await res.arrayBuffer());
    const etag = `W/"${crypto.createHash('sha1').update(identity).digest('base64url')}"`;
    return { etag, contentType, identity, encoded: {}, filledAt, filledClock, threads, bytes: identity.length };
  };

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (c.req.method !== 'GET') return next();
    // Path and query as sent: the host is the same for every request this instance answers.
    const href = c.req.url;
    const key = href.slice(href.indexOf('/', href.indexOf('//') + 2));
    let entry = entries.get(key);
    if (fresh(entry)) {
      hits++;
    } else {
      misses++;
      let flight = inFlight.get(key);
      let leader = false;
      if (!flight) {
        leader = true;
        const startEpoch = epoch;
        flight = compute(c, next, new URL(href).searchParams.getAll('thread'));
        inFlight.set(key, flight);
        try {
          const computed = await flight;
          if (computed && opts.ttlMs > 0 && epoch === startEpoch) store(key, computed);
        } finally {
          inFlight.delete(key);
        }
      }
      const shared = await flight;
      if (!shared) {
        // Not cacheable (an error, say): the leader answers with what the route said, the others ask the route themselves.
        if (leader) return;
        return next();
      }
      entry = shared;
    }
    const res = respond(c, entry, () => {
      if (entries.get(key) === entry) bytes = bytes - entry.bytes + (entry.bytes = sizeOf(entry));
    });
    // Assigned, not returned: after next() the context is finalized and a returned Response
    // would be ignored. Cleared first because hono merges a new response into the one before
    // by rebuilding it from its body stream, which costs more than the whole cached read;
    // c.body() above already copied that response's headers (CORS, request id) into this one.
    c.res = undefined;
    c.res = res;
  };

  return {
    middleware,
    dropThread(threadKey) {
      epoch++;
      const keys = byThread.get(threadKey);
      if (!keys) return;
      byThread.delete(threadKey);
      for (const key of [...keys]) remove(key);
    },
    dropAll() {
      epoch++;
      entries.clear();
      byThread.clear();
      bytes = 0;
    },
    stats: () => ({ entries: entries.size, bytes, hits, misses, computed }),
  };
}

function respond(c: Context<AppEnv>, entry: Entry, grew: () => void): Response {
  const vary = { ETag: entry.etag, Vary: 'Accept-Encoding' };
  if (matchesEtag(c.req.header('if-none-match'), entry.etag)) return c.body(null, 304, vary);
  const encoding = entry.identity.length >= COMPRESS_THRESHOLD ? chooseEncoding(c.req.header('accept-encoding')) : null;
  let body = entry.identity;
  if (encoding) {
    let encoded = entry.encoded[encoding];
    if (!encoded) {
      encoded = entry.encoded[encoding] = encode(entry.identity, encoding);
      grew();
    }
    body = encoded;
  }
  return c.body(new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength), 200, {
    ...vary,
    'Content-Type': entry.contentType,
    'Content-Length': String(body.length),
    ...(encoding ? { 'Content-Encoding': encoding } : {}),
  });
}

function sizeOf(entry: Entry): number {
  return entry.identity.length + (entry.encoded.br?.length ?? 0) + (entry.encoded.gzip?.length ?? 0);
}

/**
 * Synchronous zlib: for 10–50 KB bodies it is several times cheaper than a CompressionStream
 * per response, and a cached body is compressed once per encoding anyway. Brotli at quality 5
 * is about gzip's speed here and a fifth smaller.
 */
function encode(body: Buffer, encoding: Encoding): Buffer {
  if (encoding === 'br') {
    return zlib.brotliCompressSync(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT },
    });
  }
  return zlib.gzipSync(body, { level: 6 });
}

/** Brotli when the client takes it, else gzip, else none; q=0 means "not this one". */
export function chooseEncoding(header: string | undefined): Encoding | null {
  if (!header) return null;
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    accepted.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (name: string) => accepted.get(name) ?? accepted.get('*') ?? 0;
  const br = weightOf('br');
  const gzip = weightOf('gzip');
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return null;
}

/** If-None-Match with weak comparison (RFC 9110 13.1.2): W/ is ignored on both sides. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}
