// The load generator: autocannon in a process of its own (so it does not share an event loop
// with the server), printing one line of JSON.
//
//   node --import tsx bench/load.ts '{"url":"http://127.0.0.1:8080/api/v1/counts?...","connections":50,"duration":10}'
//
// Latency percentiles are computed here from every response's exact time (autocannon's own
// histogram rounds to whole milliseconds, too coarse for p50s of a few ms).

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { bodyLength, commentBody, prng } from './text.js';

export interface LoadConfig {
  url: string;
  connections: number;
  /** Seconds measured. */
  duration: number;
  /** Seconds of the same load first, not measured (JIT, caches, connection pools). */
  warmup?: number;
  headers?: Record<string, string>;
  /** Post comments instead of GET: each request picks a thread and gets its own body, email and client address. */
  post?: { site: string; policyVersion: number; threads: string[] };
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Milliseconds, over 2xx responses. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Mean bytes per 2xx response as received (compressed when the server compressed it). */
  bytesPerResponse: number;
  /** CPU the load generator itself used, as a share of one core. */
  loadCpu: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** One autocannon run; `onResponse` sees every response. */
function cannon(cfg: LoadConfig, seconds: number, requests: autocannon.Request[] | undefined, onResponse?: (status: number, bytes: number, ms: number) => void): Promise<autocannon.Result> {
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: cfg.url,
        connections: cfg.connections,
        duration: seconds,
        headers: cfg.headers ?? {},
        ...(requests ? { requests } : {}),
        timeout: 10,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
  if (onResponse) instance.on('response', (_client, statusCode, resBytes, responseTime) => onResponse(statusCode, resBytes, responseTime));
  return done;
}

export async function runLoad(cfg: LoadConfig, onMeasuring?: () => void): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  let bytes = 0;
  const rand = prng(process.pid);
  let counter = 0;

  const requests: autocannon.Request[] | undefined = cfg.post
    ? [
        {
          method: 'POST',
          setupRequest: (req) => {
            const p = cfg.post!;
            const i = ++counter;
            const thread = p.threads[Math.floor(rand() * p.threads.length)]!;
            const ip = `10.${1 + Math.floor(rand() * 250)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`;
            // A unique sentence keeps the duplicate check honest; the rest reads like a comment.
            const body = `${commentBody(rand, bodyLength(rand))} (Reader ${process.pid}-${i}.)`;
            return {
              ...req,
              method: 'POST',
              headers: { ...req.headers, 'content-type': 'application/json', 'x-forwarded-for': ip },
              body: JSON.stringify({
                site: p.site,
                thread,
                author: { name: `Bench Reader ${i}`, email: `reader-${process.pid}-${i}@example.net` },
                body,
                consent: { policyVersion: p.policyVersion, accepted: true },
              }),
            };
          },
        },
      ]
    : undefined;

  if (cfg.warmup) await cannon(cfg, cfg.warmup, requests);
  onMeasuring?.();
  const cpuStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await cannon(cfg, cfg.duration, requests, (statusCode, resBytes, responseTime) => {
    if (statusCode < 200 || statusCode >= 300) return;
    if (n === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[n++] = responseTime;
    bytes += resBytes;
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const sorted = latencies.slice(0, n).sort();
  const statusCodes: Record<string, number> = {};
  for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (v as { count: number }).count;
  const total = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return {
    requests: total,
    seconds,
    rps: total / seconds,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: n ? sorted[n - 1]! : NaN,
    mean: n ? sum / n : NaN,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    bytesPerResponse: n ? bytes / n : 0,
    loadCpu: (cpu.user + cpu.system) / 1e6 / seconds,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  // The parent samples CPU counters when it reads the "measuring" line.
  runLoad(JSON.parse(process.argv[2] ?? '{}') as LoadConfig, () => process.stdout.write('{"event":"measuring"}\n'))
    .then((r) => process.stdout.write(`${JSON.stringify(r)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    });
}
