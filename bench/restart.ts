// Reliability under load (issue 7): post comments continuously while PostgreSQL restarts once.
// Afterwards every comment the server acknowledged with 2xx must be in the database, and the
// server must have recovered by itself; during the outage clients should get 503 + Retry-After,
// not hangs. Restarts the machine's PostgreSQL cluster: run it alone, never in CI.
//
//   npx tsx bench/restart.ts [--seconds 40] [--restart-at 10] [--down-seconds 6] [--concurrency 8]

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildWidget } from '../scripts/build-widget.js';
import net from 'node:net';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 40);
const restartAt = arg('restart-at', 10);
const concurrency = arg('concurrency', 8);
/** Keep PostgreSQL down this long between stop and start (0: a plain restart). */
const downSeconds = arg('down-seconds', 6);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
const dbName = `parley_restart_${Date.now().toString(36)}`;
const dbUrl = `${serverUrl.replace(/\/$/, '')}/${dbName}`;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: `${serverUrl.replace(/\/$/, '')}/postgres` });
  await c.connect();
  await c.query(sql);
  await c.end();
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

await admin(`create database ${dbName}`);
const widgetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-widget-'));
await buildWidget({ outdir: widgetDir });
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  env: { ...process.env, DATABASE_URL: dbUrl, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: base, TRUST_PROXY: '1', WIDGET_DIR: widgetDir, LOG_LEVEL: 'error' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {}
  if (i > 300) throw new Error('server did not start');
  await new Promise((r) => setTimeout(r, 200));
}
const policyVersion = (await (await fetch(`${base}/api/v1/sites/altfilmguide/policy`)).json()).policy.version;

const acknowledged: string[] = [];
const outcomes = new Map<string, number>();
let retryAfterMissing = 0;
let maxLatencyMs = 0;
let restartStartedMs = 0;
let restartEndedMs = 0;
let firstOkAfterRestartMs = 0;
let n = 0;
const started = Date.now();
const deadline = started + seconds * 1000;

async function worker(w: number) {
  while (Date.now() < deadline) {
    const i = n++;
    const t0 = Date.now();
    let key: string;
    try {
      const res = await fetch(`${base}/api/v1/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${w}.${(i >> 8) & 255}.${i & 255}` },
        body: JSON.stringify({
          site: 'altfilmguide',
          thread: `restart-${i % 50}`,
          author: { name: `Load ${w}`, email: `load${i}@example.com` },
          body: `Reliability comment ${i}: the archive footage of the Ovrashki gatherings is worth the film alone.`,
          consent: { policyVersion, accepted: true },
        }),
        signal: AbortSignal.timeout(15_000),
      });
      key = String(res.status);
      if (res.status === 201 || res.status === 202) {
        acknowledged.push((await res.json()).comment.id);
        if (restartEndedMs && !firstOkAfterRestartMs) firstOkAfterRestartMs = Date.now();
      } else {
        if (res.status === 503 && !res.headers.get('retry-after')) retryAfterMissing++;
        await res.arrayBuffer();
      }
    } catch (e) {
      key = (e as Error).name === 'TimeoutError' ? 'hang (15 s timeout)' : `network: ${(e as Error).message}`;
    }
    maxLatencyMs = Math.max(maxLatencyMs, Date.now() - t0);
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (key === '503') await new Promise((r) => setTimeout(r, 100)); // a polite client backs off a little
  }
}

const restarter = (async () => {
  await new Promise((r) => setTimeout(r, restartAt * 1000));
  const version = fs.readdirSync('/etc/postgresql')[0]!;
  restartStartedMs = Date.now();
  if (downSeconds > 0) {
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'stop', '--', '-m', 'fast'], { stdio: 'inherit' });
    await new Promise((r) => setTimeout(r, downSeconds * 1000));
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
  } else {
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'inherit' });
  }
  restartEndedMs = Date.now();
})();

await Promise.all([...Array.from({ length: concurrency }, (_, w) => worker(w)), restarter]);

const check = new pg.Client({ connectionString: dbUrl });
await check.connect();
const found = await check.query<{ n: number }>('select count(*)::int as n from comments where id = any($1::bigint[])', [acknowledged]);
const consents = await check.query<{ n: number }>('select count(*)::int as n from consent_records where comment_id = any($1::bigint[])', [acknowledged]);
await check.end();
const healthy = (await fetch(`${base}/healthz`)).status;
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
await admin(`drop database if exists ${dbName} with (force)`);

console.log(`\nReliability under a PostgreSQL restart (${os.cpus().length} cores, ${os.cpus()[0]?.model})`);
console.log(`  ${seconds} s of posting, ${concurrency} clients; PostgreSQL stopped at ${restartAt} s and back ${((restartEndedMs - restartStartedMs) / 1000).toFixed(1)} s later (${downSeconds} s down)`);
console.log(`  requests: ${[...outcomes].map(([k, v]) => `${k}: ${v}`).join(', ')}`);
console.log(`  acknowledged (2xx): ${acknowledged.length}; in the database afterwards: ${found.rows[0]!.n}; with consent records: ${consents.rows[0]!.n}`);
console.log(`  503 without Retry-After: ${retryAfterMissing}; slowest request: ${maxLatencyMs} ms`);
console.log(`  first 2xx after the restart finished: ${firstOkAfterRestartMs ? `${firstOkAfterRestartMs - restartEndedMs} ms later` : 'never'}; /healthz at the end: ${healthy}`);
const ok = found.rows[0]!.n === acknowledged.length && consents.rows[0]!.n === acknowledged.length && healthy === 200 && firstOkAfterRestartMs > 0 && !outcomes.has('hang (15 s timeout)') && retryAfterMissing === 0;
console.log(ok ? '  PASS: nothing acknowledged was lost, no hangs, recovered without a restart' : '  FAIL');
process.exit(ok ? 0 : 1);
