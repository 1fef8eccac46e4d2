import { raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import type { Principal } from '../auth/principal.js';
import { csrfField } from '../auth/middleware.js';
import type { QueueName } from '../db/queue.js';
import type { Flag } from '../moderation/types.js';
import type { AccountView } from '../services/moderationAccounts.js';
import type { AuditEntryView } from '../services/moderationAudit.js';
import type { BanView } from '../services/moderationBans.js';
import type { ModerationItem } from '../services/moderationQueue.js';
import type { SiteSettings } from '../services/moderationSites.js';
import { adminScript, adminStyle } from './assets.js';
import { highlightWords } from './highlight.js';

// Everything a user wrote reaches the page as a JSX text child or attribute value,
// which hono/jsx escapes. Nothing here uses raw() or dangerouslySetInnerHTML with user data.

export interface PageContext {
  principal: Principal | null;
  nonce: string;
  sites: { slug: string; name: string }[];
  site?: { slug: string; name: string } | undefined;
  notice?: string | null | undefined;
}

export const Layout: FC<{ page: PageContext; title: string; children?: Child }> = ({ page, title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="same-origin" />
      <title>{`${title} · Parley admin`}</title>
      {/* Our own constant stylesheet and script: raw() so CSS and JS are not entity-escaped. Never user data. */}
      <style nonce={page.nonce}>{raw(adminStyle)}</style>
    </head>
    <body>
      <header class="top">
        <a class="brand" href="/admin">Parley</a>
        {page.principal ? (
          <nav>
            {page.sites.length > 1 || page.site ? (
              <span class="sites">
                {page.sites.map((s) => (
                  <a href={`/admin/sites/${s.slug}/queue/pending`} class={page.site?.slug === s.slug ? 'on' : ''}>
                    {s.name}
                  </a>
                ))}
              </span>
            ) : null}
            {page.site ? (
              <span class="site-nav">
                <a href={`/admin/sites/${page.site.slug}/queue/pending`}>Queue</a>
                <a href={`/admin/sites/${page.site.slug}/bans`}>Bans</a>
                <a href={`/admin/sites/${page.site.slug}/audit`}>Audit log</a>
                <a href={`/admin/sites/${page.site.slug}/settings`}>Settings</a>
                {page.principal.role === 'admin' ? <a href={`/admin/sites/${page.site.slug}/privacy`}>Privacy</a> : null}
              </span>
            ) : null}
            {page.principal.role === 'admin' ? <a href="/admin/moderators">Moderators</a> : null}
            <a href="/admin/account">Your account</a>
            <form method="post" action="/admin/logout" class="inline">
              <input type="hidden" name={csrfField} value={page.principal.csrfToken ?? ''} />
              <button type="submit" class="link">Log out {page.principal.displayName}</button>
            </form>
          </nav>
        ) : null}
      </header>
      <main>
        {page.notice ? (
          <p class="notice" role="status">
            {page.notice}
          </p>
        ) : null}
        {children}
      </main>
    </body>
  </html>
);

/** A table with a header row; rows go in as children. */
const Table: FC<{ head: string[]; class?: string; children?: Child }> = ({ head, class: className, children }) => (
  <table class={className}>
    <thead>
      <tr>
        {head.map((h) => (
          <th>{h}</th>
        ))}
      </tr>
    </thead>
    <tbody>{children}</tbody>
  </table>
);

export const Csrf: FC<{ page: PageContext }> = ({ page }) => <input type="hidden" name={csrfField} value={page.principal?.csrfToken ?? ''} />;

export const LoginPage: FC<{ page: PageContext; error?: string | null; email?: string; next: string }> = ({ page, error, email, next }) => (
  <Layout page={page} title="Log in">
    <form method="post" action="/admin/login" class="login">
      <h1>Log in to moderate</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <input type="hidden" name="next" value={next} />
      <label>
        Email <input type="email" name="email" value={email ?? ''} required autocomplete="username" autofocus />
      </label>
      <label>
        Password <input type="password" name="password" required autocomplete="current-password" />
      </label>
      <button type="submit">Log in</button>
    </form>
  </Layout>
);

export const ErrorPage: FC<{ page: PageContext; status: number; message: string }> = ({ page, status, message }) => (
  <Layout page={page} title="Error">
    <h1>{status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'Something went wrong'}</h1>
    <p class="error">{message}</p>
    <p>
      <a href="/admin">Back to the queue</a>
    </p>
  </Layout>
);

const queueLabels: Record<QueueName, string> = { pending: 'Held', reported: 'Reported', spam: 'Spam', rejected: 'Rejected', published: 'Published', deleted: 'Deleted' };

/** Which buttons a card offers, by status: the shortcut keys a, r, s click them. */
function actionsFor(item: ModerationItem): { action: string; label: string; key?: string }[] {
  switch (item.status) {
    case 'pending':
      return [{ action: 'approve', label: 'Approve', key: 'a' }, { action: 'reject', label: 'Reject', key: 'r' }, { action: 'spam', label: 'Spam', key: 's' }, { action: 'delete', label: 'Delete' }];
    case 'published':
      return [
        ...(item.openReports > 0 ? [{ action: 'approve', label: 'Keep (dismiss reports)', key: 'a' }] : []),
        { action: 'reject', label: 'Reject', key: 'r' },
        { action: 'spam', label: 'Spam', key: 's' },
        { action: 'delete', label: 'Delete' },
      ];
    case 'spam':
      return [{ action: 'not-spam', label: 'Not spam', key: 'a' }, { action: 'reject', label: 'Reject', key: 'r' }, { action: 'delete', label: 'Delete' }];
    case 'rejected':
      return [{ action: 'approve', label: 'Approve', key: 'a' }, { action: 'spam', label: 'Spam', key: 's' }, { action: 'delete', label: 'Delete' }];
    case 'deleted':
      return [{ action: 'restore', label: 'Restore' }];
  }
}

function matchedWords(flags: readonly Flag[]): string[] {
  const words = new Set<string>();
  for (const f of flags) {
    const ev = f.evidence ?? {};
    // words: blocklists and profanity; phrases: insults, threats and hate (the abuse lexicon).
    for (const key of ['words', 'matches', 'terms', 'phrases']) {
      const list = ev[key];
      if (Array.isArray(list)) for (const w of list) if (typeof w === 'string' && w.trim()) words.add(w);
    }
  }
  return [...words];
}

function removedLinks(flags: readonly Flag[]): string[] {
  const out: string[] = [];
  for (const f of flags) {
    const ev = f.evidence ?? {};
    for (const key of ['removed', 'links']) {
      const list = ev[key];
      if (Array.isArray(list)) for (const l of list) if (typeof l === 'string') out.push(l);
    }
    if (f.code === 'website_removed' && typeof ev.website === 'string') out.push(`${ev.website} (website)`);
  }
  return [...new Set(out)];
}

/** Evidence shown as compact key: value pairs; Akismet's stored params are summarised, not dumped. */
function evidenceSummary(flag: Flag): string | null {
  const ev = flag.evidence;
  if (!ev) return null;
  const parts = Object.entries(ev)
    .filter(([k]) => k !== 'params' && k !== 'words' && k !== 'removed' && k !== 'links')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join(' · ').slice(0, 500) : null;
}

export const CommentCard: FC<{ page: PageContext; item: ModerationItem; back: string; selectable?: boolean }> = ({ page, item, back, selectable }) => {
  const flags = item.moderation?.flags ?? [];
  const words = matchedWords(flags);
  const links = removedLinks(flags);
  const site = page.site!;
  return (
    <article class={`card status-${item.status}`} tabindex={-1} data-id={item.id} id={`c${item.id}`}>
      <header>
        {selectable ? <input type="checkbox" name="ids" value={item.id} form="bulk" aria-label={`Select comment ${item.id}`} /> : null}
        <strong class="author">{item.author.name}</strong>
        <span class="meta">
          {item.author.email ?? 'no email'} · IP {item.author.ip ?? 'none'} · {new Date(item.createdAt).toISOString().replace('T', ' ').slice(0, 16)} UTC
        </span>
        <span class={`badge ${item.status}`}>{item.status}</span>
      </header>
      <p class="where">
        on <a href={`/admin/sites/${site.slug}/thread?key=${encodeURIComponent(item.thread.key)}`}>{item.thread.title ?? item.thread.key}</a>
        {item.thread.closed ? ' (closed)' : ''}
      </p>
      {item.parent ? (
        <blockquote class="parent">
          <span class="meta">In reply to {item.parent.authorName}:</span> {item.parent.body.length > 300 ? `${item.parent.body.slice(0, 300)}…` : item.parent.body}
        </blockquote>
      ) : null}
      <p class="body">{highlightWords(item.body, words)}</p>
      {item.moderation ? (
        <div class="reasons">
          <p>
            <span class="label">Pipeline:</span> {item.moderation.decision} by {item.moderation.decidedBy}: {item.moderation.reason}
          </p>
          {flags.length ? (
            <ul class="flags">
              {flags.map((f) => (
                <li>
                  <code>{f.code}</code> {f.reason}
                  {evidenceSummary(f) ? <span class="evidence"> ({evidenceSummary(f)})</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
          {words.length ? (
            <p>
              <span class="label">Matched words:</span>{' '}
              {words.map((w) => (
                <mark>{w}</mark>
              ))}
            </p>
          ) : null}
          {links.length ? (
            <p class="links">
              <span class="label">Links removed or held:</span>{' '}
              {links.map((l) => (
                <code>{l}</code>
              ))}
            </p>
          ) : null}
        </div>
      ) : null}
      {item.reports.length ? (
        <div class="reports">
          <span class="label">
            Reader reports ({item.openReports} open):
          </span>
          <ul>
            {item.reports.map((r) => (
              <li class={r.resolved ? 'resolved' : ''}>
                <strong>{r.reason}</strong>
                {r.note ? ` – ${r.note}` : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p class="history">
        Author on this site: {item.history.published} published · {item.history.pending} held · {item.history.spam} spam · {item.history.rejected} rejected
        {item.author.email ? (
          <>
            {' · '}
            <a href={`/admin/sites/${site.slug}/queue/published?email=${encodeURIComponent(item.author.email)}`}>their comments</a>
          </>
        ) : null}
      </p>
      <form method="post" action={`/admin/comments/${item.id}/action`} class="actions">
        <Csrf page={page} />
        <input type="hidden" name="back" value={back} />
        {actionsFor(item).map((a) => (
          <button type="submit" name="action" value={a.action} data-key={a.key} class={`act-${a.action}`}>
            {a.label}
            {a.key ? <kbd>{a.key}</kbd> : null}
          </button>
        ))}
        <input type="text" name="reason" placeholder="Reason (optional)" maxlength={500} />
      </form>
      <details class="more">
        <summary>Edit text · ban author</summary>
        {item.status !== 'deleted' ? (
          <form method="post" action={`/admin/comments/${item.id}/edit`}>
            <Csrf page={page} />
            <input type="hidden" name="back" value={back} />
            <textarea name="body" rows={4} maxlength={10000}>
              {item.body}
            </textarea>
            <input type="text" name="reason" placeholder="Why (kept in the log with the original)" maxlength={500} />
            <button type="submit">Save edit</button>
          </form>
        ) : null}
        <form method="post" action={`/admin/sites/${site.slug}/bans`} class="ban">
          <Csrf page={page} />
          <input type="hidden" name="back" value={back} />
          <select name="kind" aria-label="Ban by">
            {item.author.email ? <option value="email">email {item.author.email}</option> : null}
            {item.author.email ? <option value="email_domain">domain {item.author.email.split('@')[1]}</option> : null}
            {item.author.ip ? <option value="ip">IP {item.author.ip}</option> : null}
          </select>
          <input type="hidden" name="email" value={item.author.email ?? ''} />
          <input type="hidden" name="ip" value={item.author.ip ?? ''} />
          <input type="text" name="reason" placeholder="Ban reason" maxlength={500} />
          <label>
            <input type="checkbox" name="rejectExisting" value="1" checked /> reject their comments here
          </label>
          <button type="submit" class="act-ban">
            Ban
          </button>
        </form>
      </details>
    </article>
  );
};

export const QueuePage: FC<{
  page: PageContext;
  queue: QueueName;
  counts: Record<QueueName, number>;
  items: ModerationItem[];
  filters: { thread?: string | undefined; email?: string | undefined; ip?: string | undefined; flag?: string | undefined; sort: string };
  nextUrl: string | null;
  back: string;
}> = ({ page, queue, counts, items, filters, nextUrl, back }) => {
  const site = page.site!;
  const bulkActions = items.length ? actionsFor(items[0]!) : [];
  return (
    <Layout page={page} title={`${queueLabels[queue]} · ${site.name}`}>
      <nav class="queues" aria-label="Queues">
        {(Object.keys(queueLabels) as QueueName[]).map((q) => (
          <a href={`/admin/sites/${site.slug}/queue/${q}`} class={q === queue ? 'on' : ''} data-queue={q}>
            {queueLabels[q]} <span class="count">{counts[q]}</span>
          </a>
        ))}
      </nav>
      <form method="get" action={`/admin/sites/${site.slug}/queue/${queue}`} class="filters">
        <input type="text" name="thread" placeholder="Thread key" value={filters.thread ?? ''} />
        <input type="text" name="email" placeholder="Author email" value={filters.email ?? ''} />
        <input type="text" name="ip" placeholder="IP" value={filters.ip ?? ''} />
        <input type="text" name="flag" placeholder="Flag code" value={filters.flag ?? ''} />
        <select name="sort">
          <option value="newest" selected={filters.sort === 'newest'}>
            Newest first
          </option>
          <option value="oldest" selected={filters.sort === 'oldest'}>
            Oldest first
          </option>
        </select>
        <button type="submit">Filter</button>
      </form>
      {items.length ? (
        <form method="post" action="/admin/bulk" id="bulk" class="bulk">
          <Csrf page={page} />
          <input type="hidden" name="back" value={back} />
          <span>Selected:</span>
          {bulkActions.map((a) => (
            <button type="submit" name="action" value={a.action}>
              {a.label}
            </button>
          ))}
          <span class="hint">Keys: j/k move · a approve · r reject · s spam · x select</span>
        </form>
      ) : (
        <p class="empty">Nothing in this queue.</p>
      )}
      <section class="cards">
        {items.map((item) => (
          <CommentCard page={page} item={item} back={back} selectable />
        ))}
      </section>
      {nextUrl ? (
        <p>
          <a href={nextUrl} rel="next">
            Older →
          </a>
        </p>
      ) : null}
      <script nonce={page.nonce}>{raw(adminScript)}</script>
    </Layout>
  );
};

export const ThreadPage: FC<{ page: PageContext; thread: { key: string; title: string | null; url: string | null; closed: boolean; commentCount: number }; items: ModerationItem[]; back: string }> = ({ page, thread, items, back }) => (
  <Layout page={page} title={thread.title ?? thread.key}>
    <h1>{thread.title ?? thread.key}</h1>
    <p>
      {thread.url ? <a href={thread.url} rel="noopener noreferrer">{thread.url}</a> : null} · {thread.commentCount} published · {thread.closed ? 'closed' : 'open'}
    </p>
    <form method="post" action={`/admin/sites/${page.site!.slug}/thread`} class="inline">
      <Csrf page={page} />
      <input type="hidden" name="key" value={thread.key} />
      <input type="hidden" name="closed" value={thread.closed ? '0' : '1'} />
      <input type="text" name="reason" placeholder="Reason (optional)" maxlength={500} />
      <button type="submit">{thread.closed ? 'Reopen thread' : 'Close thread'}</button>
    </form>
    <section class="cards">
      {items.map((item) => (
        <div class={`depth-${Math.min(item.parentId ? 1 : 0, 1)}`}>
          <CommentCard page={page} item={item} back={back} />
        </div>
      ))}
    </section>
    <script nonce={page.nonce}>{raw(adminScript)}</script>
  </Layout>
);

export const BansPage: FC<{ page: PageContext; bans: BanView[] }> = ({ page, bans }) => (
  <Layout page={page} title={`Bans · ${page.site!.name}`}>
    <h1>Bans</h1>
    <form method="post" action={`/admin/sites/${page.site!.slug}/bans`} class="ban-new">
      <Csrf page={page} />
      <input type="hidden" name="back" value={`/admin/sites/${page.site!.slug}/bans`} />
      <select name="kind" aria-label="Kind">
        <option value="email">Email</option>
        <option value="email_domain">Email domain</option>
        <option value="ip">IP address</option>
        <option value="ip_range">IP range (CIDR)</option>
      </select>
      <input type="text" name="value" placeholder="troll@example.com, example.com, 192.0.2.1 or 192.0.2.0/24" required maxlength={254} />
      <input type="text" name="reason" placeholder="Reason" maxlength={500} />
      <label>
        Expires <input type="datetime-local" name="expiresAt" />
      </label>
      <label>
        <input type="checkbox" name="rejectExisting" value="1" /> reject their comments
      </label>
      <button type="submit">Add ban</button>
    </form>
    <Table head={['Kind', 'Value', 'Reason', 'By', 'Expires', '']}>
        {bans.map((b) => (
          <tr class={b.active ? '' : 'expired'}>
            <td>{b.kind}</td>
            <td>
              <code>{b.value}</code>
            </td>
            <td>{b.reason ?? ''}</td>
            <td>{b.createdBy ?? ''}</td>
            <td>{b.expiresAt ? b.expiresAt.slice(0, 16).replace('T', ' ') : 'never'}</td>
            <td>
              <form method="post" action={`/admin/sites/${page.site!.slug}/bans/${b.id}/delete`} class="inline">
                <Csrf page={page} />
                <button type="submit">Lift</button>
              </form>
            </td>
          </tr>
        ))}
    </Table>
  </Layout>
);

export const AuditPage: FC<{ page: PageContext; entries: AuditEntryView[]; nextUrl: string | null; global?: boolean }> = ({ page, entries, nextUrl, global }) => (
  <Layout page={page} title="Audit log">
    <h1>Audit log{global ? ' (all sites and accounts)' : ''}</h1>
    <Table class="audit" head={['When (UTC)', 'Who', 'What', 'On', 'From → to', 'Reason']}>
        {entries.map((e) => (
          <tr>
            <td>{e.at.slice(0, 19).replace('T', ' ')}</td>
            <td>{e.actor}</td>
            <td>{e.action}</td>
            <td>{e.commentId ? `comment ${e.commentId}` : (e.target ?? '')}</td>
            <td>{e.from || e.to ? `${e.from ?? '–'} → ${e.to ?? '–'}` : ''}</td>
            <td>{e.reason ?? ''}</td>
          </tr>
        ))}
    </Table>
    {nextUrl ? (
      <p>
        <a href={nextUrl} rel="next">
          Older →
        </a>
      </p>
    ) : null}
  </Layout>
);

const lines = (list: readonly string[]) => list.join('\n');

export const SettingsPage: FC<{ page: PageContext; settings: SiteSettings; editable: boolean }> = ({ page, settings: s, editable }) => (
  <Layout page={page} title={`Settings · ${s.name}`}>
    <h1>Settings of {s.name}</h1>
    {!editable ? <p class="notice">Only admins can change these.</p> : null}
    <form method="post" action={`/admin/sites/${s.slug}/settings`} class="settings">
      <Csrf page={page} />
      <fieldset disabled={!editable}>
        <label>
          Name <input type="text" name="name" value={s.name} required maxlength={200} />
        </label>
        <label>
          Moderation mode
          <select name="mode">
            <option value="post" selected={s.moderation.mode === 'post'}>Publish what passes the checks</option>
            <option value="first-time" selected={s.moderation.mode === 'first-time'}>Hold new commenters until one comment is approved</option>
            <option value="pre" selected={s.moderation.mode === 'pre'}>Hold everything</option>
          </select>
        </label>
        <label>
          Links
          <select name="linkPolicy">
            <option value="strip" selected={s.moderation.links.policy === 'strip'}>Remove them</option>
            <option value="hold" selected={s.moderation.links.policy === 'hold'}>Hold the comment</option>
            <option value="allow" selected={s.moderation.links.policy === 'allow'}>Allow them</option>
          </select>
        </label>
        <label>
          Allowed link hosts (one per line) <textarea name="linkAllowlist" rows={3}>{lines(s.moderation.links.allowlist)}</textarea>
        </label>
        <label>
          Banned words (rejected; one per line) <textarea name="bannedWords" rows={3}>{lines(s.moderation.words.banned)}</textarea>
        </label>
        <label>
          Suspect words (held; one per line) <textarea name="suspectWords" rows={3}>{lines(s.moderation.words.suspect)}</textarea>
        </label>
        <label>
          Reports that hide a comment <input type="number" name="reportThreshold" min={1} max={1000} value={String(s.reportThreshold)} />
        </label>
        <label>
          Allowed origins (one per line) <textarea name="allowedOrigins" rows={3}>{lines(s.allowedOrigins)}</textarea>
        </label>
        <label>
          Edit window (minutes) <input type="number" name="editWindowMinutes" min={0} max={10080} value={String(s.editWindowMinutes)} />
        </label>
        <label>
          Close threads after (days; empty: never) <input type="number" name="autoCloseDays" min={1} value={s.autoCloseDays === null ? '' : String(s.autoCloseDays)} />
        </label>
        <label>
          Keep IP addresses (days) <input type="number" name="ipRetentionDays" min={1} value={String(s.ipRetentionDays)} />
        </label>
        <label>
          Keep spam (days) <input type="number" name="spamRetentionDays" min={1} value={String(s.spamRetentionDays)} />
        </label>
        <label>
          Keep rejected comments (days) <input type="number" name="rejectedRetentionDays" min={1} value={String(s.rejectedRetentionDays)} />
        </label>
        <label>
          When a reader's data is erased, their comments{' '}
          <select name="erasureKeepsText">
            <option value="0" selected={!s.erasureKeepsText}>
              lose their text (a "deleted comment" placeholder)
            </option>
            <option value="1" selected={s.erasureKeepsText}>
              keep their text, shown by "deleted"
            </option>
          </select>
        </label>
        <label>
          Comment policy (version {s.policy?.version ?? 'none'}; saving a changed text makes a new version)
          <textarea name="policyText" rows={8}>{s.policy?.text ?? ''}</textarea>
        </label>
        <label>
          Consent sentence <textarea name="consentText" rows={2}>{s.policy?.consentText ?? ''}</textarea>
        </label>
        <button type="submit">Save settings</button>
      </fieldset>
    </form>
  </Layout>
);

export interface ConsentRow {
  commentId: string | null;
  basis: string;
  policyVersion: number | null;
  policyHash: string | null;
  consentText: string | null;
  ip: string | null;
  createdAt: string;
}

/** Readers' data on one site, for admins: consent records, a full export, erasure (GDPR articles 7, 15, 17). */
export const PrivacyPage: FC<{
  page: PageContext;
  email: string;
  consents: ConsentRow[] | null;
  erased?: { commentsAnonymised: number; commentsTextRemoved: number; consentRecordsReduced: number; bansRemoved: number } | null;
  error?: string | null;
}> = ({ page, email, consents, erased, error }) => {
  const base = `/admin/sites/${page.site!.slug}/privacy`;
  return (
    <Layout page={page} title={`Privacy · ${page.site!.name}`}>
      <h1>A reader's data on {page.site!.name}</h1>
      <p>
        For a reader who writes to you rather than using the "Your data" link under the comment form. An erasure is recorded by the
        address's hash only.
      </p>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {erased ? (
        <p class="notice" role="status">
          Erased: {erased.commentsAnonymised} comments anonymised ({erased.commentsTextRemoved} with their text removed), {erased.consentRecordsReduced} consent
          records reduced to proof, {erased.bansRemoved} bans removed.
        </p>
      ) : null}
      <form method="get" action={base} class="settings">
        <label>
          Email address <input type="email" name="email" value={email} required maxlength={254} />
        </label>
        <button type="submit">Show consent records</button>
      </form>
      {consents ? (
        consents.length === 0 ? (
          <p>No consent records for this address on this site.</p>
        ) : (
          <Table head={['Given', 'Basis', 'Policy', 'What they agreed to', 'IP address', 'Comment']}>
            {consents.map((r) => (
              <tr>
                <td>{r.createdAt.slice(0, 16).replace('T', ' ')}</td>
                <td>{r.basis}</td>
                <td>{r.policyVersion !== null ? `version ${r.policyVersion}` : ''} {r.policyHash ? <code>{r.policyHash.slice(0, 12)}</code> : null}</td>
                <td>{r.consentText ?? ''}</td>
                <td>{r.ip ?? ''}</td>
                <td>{r.commentId ?? 'erased or removed'}</td>
              </tr>
            ))}
          </Table>
        )
      ) : null}
      {email ? (
        <>
          <h2>Everything stored about {email}</h2>
          <form method="post" action={`${base}/export`} class="inline">
            <Csrf page={page} />
            <input type="hidden" name="email" value={email} />
            <button type="submit">Download as JSON</button>
          </form>
          <h2>Erase {email}'s personal data</h2>
          <form method="post" action={`${base}/erase`} class="settings">
            <Csrf page={page} />
            <input type="hidden" name="email" value={email} />
            <label>
              <input type="checkbox" name="confirm" value="1" required /> I understand this cannot be undone: name, email, website, IP addresses and user agents
              go from every comment and record; the text goes or stays anonymised, as the site's settings say.
            </label>
            <button type="submit" class="danger">Erase</button>
          </form>
        </>
      ) : null}
    </Layout>
  );
};

export const AccountPage: FC<{ page: PageContext; error?: string | null }> = ({ page, error }) => (
  <Layout page={page} title="Your account">
    <h1>Your account</h1>
    <p>
      {page.principal?.displayName} ({page.principal?.email}), {page.principal?.role === 'admin' ? 'admin of every site' : `moderator of ${page.sites.map((s) => s.name).join(', ') || 'no site yet'}`}.
    </p>
    <h2>Change your password</h2>
    {error ? (
      <p class="error" role="alert">
        {error}
      </p>
    ) : null}
    <form method="post" action="/admin/account" class="settings">
      <Csrf page={page} />
      <label>
        Current password <input type="password" name="currentPassword" required autocomplete="current-password" />
      </label>
      <label>
        New password (at least 10 characters) <input type="password" name="newPassword" required minlength={10} maxlength={200} autocomplete="new-password" />
      </label>
      <label>
        New password again <input type="password" name="confirmPassword" required minlength={10} maxlength={200} autocomplete="new-password" />
      </label>
      <button type="submit">Change password</button>
      <p class="hint">Your other sessions (other browsers, other computers) are logged out; this one stays.</p>
    </form>
  </Layout>
);

export const ModeratorsPage: FC<{ page: PageContext; accounts: AccountView[]; allSites: { slug: string; name: string }[] }> = ({ page, accounts, allSites }) => (
  <Layout page={page} title="Moderators">
    <h1>Moderator accounts</h1>
    <Table head={['Email', 'Name', 'Role', 'Sites', '']}>
        {accounts.map((a) => (
          <tr class={a.disabled ? 'expired' : ''}>
            <td>{a.email}</td>
            <td>{a.displayName}</td>
            <td>{a.role}</td>
            <td>{a.role === 'admin' ? 'all' : a.sites.join(', ')}</td>
            <td>
              <form method="post" action={`/admin/moderators/${a.id}`} class="inline">
                <Csrf page={page} />
                <select name="sites" multiple aria-label="Sites" size={Math.min(3, Math.max(allSites.length, 1))}>
                  {allSites.map((s) => (
                    <option value={s.slug} selected={a.sites.includes(s.slug)}>
                      {s.slug}
                    </option>
                  ))}
                </select>
                <button type="submit" name="do" value="sites">Set sites</button>
                <select name="role" aria-label="Role">
                  <option value="moderator" selected={a.role === 'moderator'}>moderator</option>
                  <option value="admin" selected={a.role === 'admin'}>admin</option>
                </select>
                <button type="submit" name="do" value="role">Set role</button>
                <button type="submit" name="do" value={a.disabled ? 'enable' : 'disable'}>
                  {a.disabled ? 'Enable' : 'Disable'}
                </button>
              </form>
            </td>
          </tr>
        ))}
    </Table>
    <h2>New account</h2>
    <form method="post" action="/admin/moderators" class="settings">
      <Csrf page={page} />
      <label>
        Email <input type="email" name="email" required />
      </label>
      <label>
        Name <input type="text" name="displayName" required maxlength={100} />
      </label>
      <label>
        Password (at least 10 characters) <input type="password" name="password" required minlength={10} autocomplete="new-password" />
      </label>
      <label>
        Role
        <select name="role">
          <option value="moderator">Moderator (the sites below)</option>
          <option value="admin">Admin (every site, settings, accounts)</option>
        </select>
      </label>
      <label>
        Sites
        <select name="sites" multiple>
          {allSites.map((s) => (
            <option value={s.slug}>{s.name}</option>
          ))}
        </select>
      </label>
      <button type="submit">Create account</button>
    </form>
  </Layout>
);

export const NoSitesPage: FC<{ page: PageContext }> = ({ page }) => (
  <Layout page={page} title="No sites">
    <h1>No sites to moderate yet</h1>
    <p>An admin can give you sites on the Moderators page.</p>
  </Layout>
);
