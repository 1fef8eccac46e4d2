import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

// Driving the widget in Chromium. The widget lives in an open shadow root under #parley;
// Playwright's CSS locators pierce open shadow roots, so '#parley form' reaches inside.

export const ARTIFACTS = 'test-artifacts';

export async function launchChromium(): Promise<Browser> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A fresh reader: own cookies and localStorage, nothing remembered. */
export async function newReader(browser: Browser, viewport = { width: 1000, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  // Explicit waits everywhere; a selector that never shows fails the test well inside its timeout.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  pageErrors.set(page, errors);
  return { context, page };
}

const pageErrors = new WeakMap<Page, string[]>();
/** Uncaught exceptions the page has thrown so far. */
export const jsErrors = (page: Page): string[] => pageErrors.get(page) ?? [];

export const widget = (page: Page) => page.locator('#parley .parley');
/** The new-comment form at the top of the thread. */
export const mainForm = (page: Page) => page.locator('#parley .compose form');

/** The <li> of the comment whose own text (not its replies') contains `text`; under `scope` if given. */
export function commentItem(scope: Page | Locator, text: string): Locator {
  const page = 'page' in scope && typeof scope.page === 'function' ? (scope as Locator).page() : (scope as Page);
  // The inner locator is relative to each li, so it must come from the page, not from `scope`.
  return scope.locator('li.comment').filter({ has: page.locator(':scope > article .body', { hasText: text }) });
}

/** The comment's own <article> (header, body, actions; not its replies). */
export const commentArticle = (scope: Page | Locator, text: string) => commentItem(scope, text).locator(':scope > article');

/** Waits for the widget to have loaded the thread and shown its form. */
export async function waitForWidget(page: Page): Promise<void> {
  await widget(page).waitFor();
  await mainForm(page).locator('button[type=submit]').waitFor();
  await page.locator('#parley ol.comments:not([aria-busy])').waitFor({ state: 'attached' });
}

export interface Draft {
  name: string;
  email: string;
  body: string;
  website?: string;
  consent?: boolean;
}

/** Fills a comment form (the main one, or a reply form) and submits it. */
export async function fillAndSubmit(form: Locator, draft: Draft): Promise<void> {
  await form.locator('input[name=name]').fill(draft.name);
  await form.locator('input[name=email]').fill(draft.email);
  if (draft.website !== undefined) await form.locator('input[name=website]').fill(draft.website);
  await form.locator('textarea[name=body]').fill(draft.body);
  const consent = form.locator('input[name=consent]');
  if (draft.consent === false) await consent.uncheck();
  else await consent.check();
  await form.locator('button[type=submit]').click();
}

let emailCounter = 0;
/** A different author address per post, so per-email limits and history never link tests. */
export const freshEmail = (who = 'reader') => `${who}-${process.pid}-${++emailCounter}@example.com`;

/** Records requests whose URL contains `part`. */
export function recordRequests(page: Page, part: string): { method: string; url: string }[] {
  const seen: { method: string; url: string }[] = [];
  page.on('request', (req) => {
    if (req.url().includes(part)) seen.push({ method: req.method(), url: req.url() });
  });
  return seen;
}
