import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.js';

interface Asset {
  raw: Buffer;
  gzip: Buffer | null;
  brotli: Buffer | null;
  etag: string;
}

/**
 * The widget bundles (built by scripts/build-widget.ts into dist/widget) served with
 * an ETag, pre-compressed variants, and caching: a day for the plain URL (site owners
 * paste it once and fixes must reach them), a year when the URL names the version (?v=ETag).
 */
export function widgetAssetRoutes(dir: string) {
  const cache = new Map<string, Asset | null>();
  const load = (name: string): Asset | null => {
    if (cache.has(name)) return cache.get(name)!;
    const file = path.join(dir, name);
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f) : null);
    const raw = read(file);
    const asset = raw
      ? { raw, gzip: read(`${file}.gz`), brotli: read(`${file}.br`), etag: `"${crypto.createHash('sha256').update(raw).digest('base64url').slice(0, 16)}"` }
      : null;
    cache.set(name, asset);
    return asset;
  };

  const routes = new Hono<AppEnv>();
  for (const name of ['embed.js', 'count.js']) {
    routes.get(`/${name}`, (c) => {
      const asset = load(name);
      if (!asset) return c.text(`/* ${name} is not built: run npm run build */`, 503);
      const versioned = c.req.query('v') === asset.etag.slice(1, -1);
      c.header('Content-Type', 'text/javascript; charset=utf-8');
      c.header('ETag', asset.etag);
      c.header('Cache-Control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=86400, stale-while-revalidate=604800');
      c.header('Vary', 'Accept-Encoding');
      c.header('Access-Control-Allow-Origin', '*');
      c.header('X-Content-Type-Options', 'nosniff');
      if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304);
      const accepts = c.req.header('accept-encoding') ?? '';
      if (asset.brotli && /\bbr\b/.test(accepts)) {
        c.header('Content-Encoding', 'br');
        return c.body(new Uint8Array(asset.brotli));
      }
      if (asset.gzip && /\bgzip\b/.test(accepts)) {
        c.header('Content-Encoding', 'gzip');
        return c.body(new Uint8Array(asset.gzip));
      }
      return c.body(new Uint8Array(asset.raw));
    });
  }
  return routes;
}
