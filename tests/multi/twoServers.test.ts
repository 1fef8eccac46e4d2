import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../../scripts/build-widget.js';
import { testDatabaseUrl } from '../support/db.js';

// Two real server processes (src/server.ts) on one PostgreSQL database of this run's own:
// what a deployment behind a load balancer looks like.

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(base: string, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${log()}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy: ${log()}`);
}

describe('two server instances on one PostgreSQL database', () => {
  const dbName = `parley_multi_${Date.now().toString(36)}_${process.pid}`;
  const admin = () => new pg.Client({ connectionString: testDatabaseUrl });
  const servers: Array<{ proc: ChildProcess; base: string }> = [];
  let policyVersion = 1;

  beforeAll(async () => {
    const a = admin();
    await a.connect();
    await a.query(`create database ${dbName}`);
    await a.end();
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${dbName}`;
    const widgetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-widget-'));
    await buildWidget({ outdir: widgetDir });
    // One after the other: the first migrates and seeds the demo site.
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      let output = '';
      const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        env: { ...process.env, DATABASE_URL: url.href, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, TRUST_PROXY: '1', WIDGET_DIR: widgetDir, LOG_LEVEL: 'warn', READ_CACHE_MS: '60000' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      proc.stdout!.on('data', (d) => (output += d));
      proc.stderr!.on('data', (d) => (output += d));
      const base = `http://127.0.0.1:${port}`;
      servers.push({ proc, base });
      await waitHealthy(base, proc, () => output);
    }
    policyVersion = (await (await fetch(`${servers[0]!.base}/api/v1/sites/altfilmguide/policy`)).json()).policy.version;
  }, 180_000);

  afterAll(async () => {
    for (const s of servers) s.proc.kill('SIGTERM');
    await Promise.all(servers.map((s) => new Promise((r) => (s.proc.exitCode !== null ? r(null) : s.proc.once('exit', r)))));
    const a = admin();
    await a.connect();
    await a.query(`drop database if exists ${dbName} with (force)`);
    await a.end();
  });

  const post = (base: string, body: string, email: string, ip: string) =>
    fetch(`${base}/api/v1/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({
        site: 'altfilmguide',
        thread: 'refusenik-qa',
        author: { name: 'Multi', email },
        body,
        consent: { policyVersion, accepted: true },
      }),
    });

  it('delivers a comment posted to one instance to a live reader on the other', async () => {
    const [a, b] = servers;
    const controller = new AbortController();
    const stream = await fetch(`${b!.base}/api/v1/stream?site=altfilmguide&thread=refusenik-qa`, { signal: controller.signal });
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const waitFor = async (needle: string) => {
      const deadline = Date.now() + 15_000;
      while (!received.includes(needle) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
    };
    await waitFor('event: ready');
    const res = await post(a!.base, 'Seen on the other instance? The archive footage is remarkable.', 'multi-live@example.com', '198.51.100.50');
    expect(res.status).toBe(201);
    const { comment } = await res.json();
    await waitFor(`"id":"${comment.id}"`);
    controller.abort();
    expect(received).toContain('event: comment.published');
    expect(received).toContain(`"id":"${comment.id}"`);
  });

  it("shows a comment posted to one instance in the other's cached page as soon as its event arrives", async () => {
    const [a, b] = servers;
    // Each server keeps reads for 60 s here: a fresh page on b can only come from the invalidation.
    const url = `${b!.base}/api/v1/comments?site=altfilmguide&thread=refusenik-qa&limit=100`;
    const read = async () => (await (await fetch(url)).json()).comments.map((c: { id: string }) => c.id) as string[];
    const before = await read();
    const res = await post(a!.base, 'Read from the other instance straight away? The interview is a gem.', 'multi-cache@example.com', '198.51.100.51');
    expect(res.status).toBe(201);
    const { comment } = await res.json();
    expect(before).not.toContain(comment.id);
    let ids = await read();
    const deadline = Date.now() + 10_000;
    while (!ids.includes(comment.id) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      ids = await read();
    }
    expect(ids).toContain(comment.id);
  });

  it('holds one rate limit across both instances', async () => {
    const [a, b] = servers;
    const ip = '198.51.100.77';
    const statuses: number[] = [];
    // Alternate instances; each post has its own email and text so only the IP limit applies.
    for (let i = 0; i < 14; i++) {
      const res = await post(i % 2 ? b!.base : a!.base, `Comment number ${i} about Laura Bialis and the Refuseniks, take ${i}.`, `rate${i}@example.com`, ip);
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const accepted = statuses.filter((s) => s === 201 || s === 202).length;
    // The default limit is 10 posts per IP in 10 minutes, wherever they land.
    expect(accepted).toBe(10);
    expect(statuses.slice(10)).toEqual([429, 429, 429, 429]);
  });
});
