import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/db.js';
import { createSite, type TestContext } from '../support/app.js';
import { createModerationContext, createModerator, heldRecord, seedComment, testPassword, type TestModerator } from '../moderation-api/support.js';

// The admin UI in real headless Chromium against a real server on 127.0.0.1.
// Screenshots of the main screens go to test-artifacts/ (not committed).

const artifacts = 'test-artifacts';

describe('admin UI in Chromium', () => {
  let ctx: TestContext;
  let server: ServerType;
  let base: string;
  let browser: Browser;
  let admin: TestModerator;
  let outsider: TestModerator;
  let site: Awaited<ReturnType<typeof createSite>>;
  let heldId: string;

  beforeAll(async () => {
    fs.mkdirSync(artifacts, { recursive: true });
    ctx = await createModerationContext(backends[0]!);
    site = await createSite(ctx, { name: 'Alt Film Guide' });
    const other = await createSite(ctx, { name: 'Other Site' });
    admin = await createModerator(ctx, { role: 'admin' });
    outsider = await createModerator(ctx, { siteIds: [other.id] });
    await seedComment(ctx, site, { status: 'published', body: 'Where can I find this film?', name: 'Sondra', email: 'sondra@example.com' });
    heldId = (await seedComment(ctx, site, { body: 'Your library may have the DVD.', name: 'Bo', email: 'bo@example.com', ip: '203.0.113.9', moderation: heldRecord(['dvd']) })).id;
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
    await ctx?.close();
  });

  async function logIn(m: TestModerator) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/admin`);
    await page.waitForSelector('form.login');
    await page.fill('input[name=email]', m.email);
    await page.fill('input[name=password]', testPassword);
    await Promise.all([page.waitForURL(/\/admin\/(sites|$)/), page.click('form.login button[type=submit]')]);
    return { context, page };
  }

  it('logs in, shows a held comment with its reason, approves it with the keyboard, and the public API has it', async () => {
    const { context, page } = await logIn(admin);
    try {
      await page.goto(`${base}/admin/sites/${site.slug}/queue/pending`);
      const card = page.locator(`article.card[data-id="${heldId}"]`);
      await card.waitFor();
      expect(await card.locator('.flags').innerText()).toContain('suspect_word');
      expect(await card.locator('p.body mark').innerText()).toBe('DVD');
      expect(await page.locator('nav.queues a[data-queue=pending] .count').innerText()).toBe('1');
      await page.screenshot({ path: `${artifacts}/admin-queue.png`, fullPage: true });

      // j focuses the first card, a approves it: the script clicks the card's own form button.
      await page.keyboard.press('j');
      await page.waitForSelector(`article.card.current[data-id="${heldId}"]`);
      await Promise.all([page.waitForURL(/done=approve/), page.keyboard.press('a')]);
      await page.waitForSelector('p.notice');
      expect(await page.locator('p.notice').innerText()).toBe('Approved.');
      expect(await page.locator(`article.card[data-id="${heldId}"]`).count()).toBe(0);

      const res = await fetch(`${base}/api/v1/comments?site=${site.slug}&thread=refusenik-qa`);
      const bodies = (await res.json()).comments.map((c: { body: string }) => c.body);
      expect(bodies).toContain('Your library may have the DVD.');
    } finally {
      await context.close();
    }
  });

  it('bans an author from the bans page', async () => {
    const { context, page } = await logIn(admin);
    try {
      await page.goto(`${base}/admin/sites/${site.slug}/bans`);
      await page.waitForSelector('form.ban-new');
      await page.selectOption('form.ban-new select[name=kind]', 'email');
      await page.fill('form.ban-new input[name=value]', 'sondra@example.com');
      await page.fill('form.ban-new input[name=reason]', 'Spamming the thread');
      await page.check('form.ban-new input[name=rejectExisting]');
      await Promise.all([page.waitForURL(/done=banned/), page.click('form.ban-new button[type=submit]')]);
      await page.waitForSelector('table tbody tr');
      expect(await page.locator('table tbody').innerText()).toContain('sondra@example.com');
      await page.screenshot({ path: `${artifacts}/admin-bans.png`, fullPage: true });
      const res = await fetch(`${base}/api/v1/comments?site=${site.slug}&thread=refusenik-qa`);
      const bodies = (await res.json()).comments.map((c: { body: string }) => c.body);
      expect(bodies).not.toContain('Where can I find this film?');
      const bans = await ctx.handle.db.selectFrom('bans').selectAll().where('site_id', '=', site.id).execute();
      expect(bans.map((b) => [b.kind, b.value, b.reason])).toEqual([['email', 'sondra@example.com', 'Spamming the thread']]);

      await page.goto(`${base}/admin/sites/${site.slug}/audit`);
      await page.waitForSelector('table.audit tbody tr');
      expect(await page.locator('table.audit').innerText()).toContain('ban_created');
      await page.screenshot({ path: `${artifacts}/admin-audit.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('shows a moderator of another site nothing of this one', async () => {
    const { context, page } = await logIn(outsider);
    try {
      const res = await page.goto(`${base}/admin/sites/${site.slug}/queue/rejected`);
      expect(res?.status()).toBe(404);
      await page.waitForSelector('h1');
      expect(await page.locator('h1').innerText()).toBe('Not found');
      expect(await page.content()).not.toContain('Your library may have the DVD.');
      expect(await page.locator('header.top').innerText()).not.toContain('Alt Film Guide');
      await page.screenshot({ path: `${artifacts}/admin-other-site.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});
