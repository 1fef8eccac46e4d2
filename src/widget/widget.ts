import { createApi } from './api.js';
import { ApiError } from './apiErrors.js';
import { avatarColor, avatarInitials } from './avatar.js';
import { splitBody } from './bodyText.js';
import { isHttpUrl } from './commentDraft.js';
import { formatCommentCount } from './commentCounts.js';
import { commentForm, type FormContext } from './commentForm.js';
import { confirmPanel, editPanel, reportPanel, type Panel } from './commentPanels.js';
import { append, button, h, paragraphs, uid } from './dom.js';
import { failureMessage, whileBusy } from './formParts.js';
import { subscribe } from './liveUpdates.js';
import type { EmbedConfig } from './pageConfig.js';
import { browserStorage, createOwnComments, ownCommentsKey } from './readerStorage.js';
import { formatRelativeTime } from './relativeTime.js';
import { flattenThread, type Placement } from './replyTree.js';
import { STYLES } from './styles.js';
import type { Comment, CommentsPage, PostResult, SitePolicy, SortOrder, ThreadInfo } from './types.js';
import { plural } from './words.js';

export interface WidgetHandle {
  destroy(): void;
}

/** One comment on screen. */
interface CommentView extends Placement {
  comment: Comment;
  li: HTMLLIElement;
  article: HTMLElement;
  /** Where replies shown under this comment go. */
  replies: HTMLOListElement;
  /** Where this comment's reply form or edit/delete/report panel opens. */
  slot: HTMLDivElement;
  /** Edit and Delete were shown at the last render (so the ticker knows to hide them later). */
  editable: boolean;
  repliesCursor: string | null;
}

/** How a batch of comments arrived, which decides where it goes and what it proves. */
type Arrival =
  /** A page from the server, in the list's own order. */
  | 'page'
  /** Published comments from the live stream, shown at the newest end of the list. */
  | 'live'
  /** The reader's own comment, from a POST or from local storage: not proof of publication. */
  | 'own';

/**
 * A form token is refreshed on focus after this long; the server accepts them for 24 hours.
 * Refreshing sooner would only hide how long the reader really had the form open.
 */
const TOKEN_REFRESH_MS = 12 * 60 * 60_000;

let sharedSheet: CSSStyleSheet | undefined;

/**
 * A constructed stylesheet where the browser has them: one parsed copy shared by every widget on
 * the page, and not an inline <style>, which a publisher's CSP (style-src without
 * 'unsafe-inline') would block. Older browsers get the <style> element.
 */
function adoptStyles(shadow: ShadowRoot, root: HTMLElement) {
  if ('adoptedStyleSheets' in shadow) {
    try {
      if (!sharedSheet) {
        sharedSheet = new CSSStyleSheet();
        sharedSheet.replaceSync(STYLES);
      }
      shadow.adoptedStyleSheets = [sharedSheet];
      return;
    } catch {
      // Constructed stylesheets unsupported: fall through to <style>.
    }
  }
  root.prepend(h('style', null, STYLES));
}

export function mountWidget(host: Element, config: EmbedConfig): WidgetHandle {
  const shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const aborter = new AbortController();
  const api = createApi(config.api, aborter.signal);
  const storage = browserStorage();
  const own = createOwnComments(storage, ownCommentsKey(config.site, config.thread), Date.now);
  const views = new Map<string, CommentView>();
  /** Published comments that arrived live, waiting for the reader to ask for them. */
  let fresh: Comment[] = [];
  let thread: ThreadInfo | null = null;
  let total = 0;
  let sort: SortOrder = config.sort;
  let cursor: string | null = null;
  let panel: { close(returnFocus: boolean): void } | null = null;
  let policy: SitePolicy | null = null;
  let composeStarted = false;
  let stopStream: (() => void) | null = null;
  /** Comments with a PATCH in flight, whose "removed" event is the edit going to moderation. */
  const editing = new Set<string>();

  // ---- the frame -------------------------------------------------------------------------

  const status = h('div', { class: 'sr', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const heading = h('h2', { id: uid('heading') }, 'Comments');
  const sortSelect = h(
    'select',
    { id: uid('sort'), onchange: () => changeSort() },
    h('option', { value: 'oldest' }, 'Oldest first'),
    h('option', { value: 'newest' }, 'Newest first'),
  );
  sortSelect.value = sort;
  const compose = h('div', { class: 'compose' });
  const newButton = button('', () => showFresh(), { class: 'new', hidden: true });
  const notice = h('div', { class: 'notice', hidden: true });
  const list = h('ol', { class: 'comments', 'aria-labelledby': heading.id });
  const more = button('Load more comments', () => void loadMore(), { class: 'more', hidden: true });
  const root = h(
    'section',
    { class: 'parley', 'aria-labelledby': heading.id },
    status,
    h('div', { class: 'bar' }, heading, h('span', { class: 'sort' }, h('label', { for: sortSelect.id }, 'Sort'), sortSelect)),
    compose,
    notice,
    newButton,
    list,
    more,
  );

  const darkQuery = config.theme === 'auto' ? window.matchMedia?.('(prefers-color-scheme: dark)') : undefined;
  const applyTheme = () => root.classList.toggle('dark', config.theme === 'dark' || Boolean(darkQuery?.matches));
  applyTheme();
  darkQuery?.addEventListener?.('change', applyTheme);

  shadow.textContent = '';
  adoptStyles(shadow, root);
  shadow.appendChild(root);

  let announceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Polite announcement; cleared first so the same sentence twice is still read twice. */
  const announce = (message: string) => {
    status.textContent = '';
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => (status.textContent = message), 100);
  };

  const showNotice = (message: string | null, retry?: () => void) => {
    notice.textContent = '';
    notice.hidden = !message;
    notice.classList.toggle('err', Boolean(retry));
    if (message) append(notice, [h('p', null, message), retry && button('Try again', retry)]);
  };

  const reportFailure = (err: unknown, what?: string) => {
    const message = failureMessage(err);
    if (!message) return;
    if (what) console.warn(`[parley] ${what}:`, err instanceof ApiError ? err.failure : err);
    announce(message);
  };

  const updateHeading = () => {
    heading.textContent = formatCommentCount(total);
  };

  // ---- policy and form token, fetched once and shared by every form ------------------------

  let policyRequest: Promise<SitePolicy> | null = null;
  const getPolicy = () => {
    if (!policyRequest) {
      const request = api.policy(config.site).then((p) => (policy = p));
      request.catch(() => policyRequest === request && (policyRequest = null));
      policyRequest = request;
    }
    return policyRequest;
  };

  let tokenRequest: Promise<string> | null = null;
  let tokenFetchedAt = 0;
  const formToken = () => {
    if (!tokenRequest) {
      const request = api.formToken(config.site).then((r) => r.token);
      request.catch(() => tokenRequest === request && (tokenRequest = null));
      tokenRequest = request;
      tokenFetchedAt = Date.now();
    }
    return tokenRequest;
  };
  const formContext = (p: SitePolicy): FormContext => ({
    config,
    api,
    storage,
    policy: p,
    refreshPolicy() {
      policyRequest = null;
      return getPolicy();
    },
    formToken,
    prefetchFormToken() {
      if (tokenRequest && Date.now() - tokenFetchedAt > TOKEN_REFRESH_MS) tokenRequest = null;
      formToken().catch(() => {});
    },
    dropFormToken() {
      tokenRequest = null;
    },
    announce,
  });

  // ---- rendering one comment ---------------------------------------------------------------

  const exactTime = (iso: string) => {
    try {
      return new Date(iso).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' });
    } catch {
      return iso;
    }
  };

  const actionButton = (label: string, open: (view: CommentView, trigger: HTMLButtonElement) => void, view: CommentView) => {
    const b: HTMLButtonElement = button(label, () => open(view, b), { class: 'act', 'aria-expanded': 'false' });
    return b;
  };

  function renderArticle(view: CommentView) {
    const c = view.comment;
    const deleted = Boolean(c.deleted);
    const mine = own.isOwn(c.id);
    const pending = own.isPending(c.id);
    const canEdit = !deleted && own.editToken(c.id) !== null;
    view.editable = canEdit;

    const { name, website, avatar } = c.author;
    const author = deleted
      ? null
      : isHttpUrl(website)
        ? h('a', { class: 'author', href: website, rel: 'nofollow ugc noopener', target: '_blank' }, name)
        : h('span', { class: 'author' }, name);
    const avatarEl = h('div', { class: 'avatar', 'aria-hidden': 'true' }, deleted ? '' : avatarInitials(name));
    if (!deleted) avatarEl.style.background = avatarColor(avatar, name);

    const actions = h('div', { class: 'actions' });
    if (!deleted) {
      if (!pending && thread && !thread.closed) actions.append(actionButton('Reply', openReply, view));
      if (canEdit) actions.append(actionButton('Edit', openEdit, view), actionButton('Delete', openDelete, view));
      if (!mine) actions.append(actionButton('Report', openReport, view));
    }

    const article = h(
      'article',
      { 'aria-label': deleted ? 'Deleted comment' : `Comment by ${name}` },
      avatarEl,
      h(
        'div',
        { class: 'main' },
        h(
          'header',
          { class: 'meta' },
          author,
          view.inReplyTo && h('span', { class: 'to' }, `in reply to ${view.inReplyTo}`),
          h('time', { datetime: c.createdAt, title: exactTime(c.createdAt) }, formatRelativeTime(c.createdAt, Date.now())),
          !deleted && c.editedAt && h('span', { class: 'edited', title: `Edited ${exactTime(c.editedAt)}` }, 'edited'),
          pending && h('span', { class: 'badge' }, 'Awaiting moderation'),
        ),
        h('div', { class: 'body' }, deleted ? h('p', null, 'This comment was deleted.') : paragraphs(splitBody(c.body))),
        actions.firstChild && actions,
      ),
    );
    const hadFocus = view.article.contains(shadow.activeElement);
    view.article.replaceWith(article);
    view.article = article;
    view.li.classList.toggle('deleted', deleted);
    view.li.classList.toggle('pending', pending);
    view.li.classList.toggle('own', mine);
    if (hadFocus) view.li.focus();
  }

  function createView(comment: Comment, placement: Placement): CommentView {
    const view: CommentView = {
      ...placement,
      comment,
      li: h('li', { class: 'comment', id: `parley-comment-${comment.id}`, tabindex: -1, 'data-id': comment.id, 'data-indent': placement.indent }),
      article: h('article'),
      replies: h('ol', { class: 'replies' }),
      slot: h('div', { class: 'slot' }),
      editable: false,
      repliesCursor: null,
    };
    renderArticle(view);
    view.li.append(view.article, view.slot, view.replies);
    const hidden = comment.moreReplies ?? 0;
    if (hidden > 0) {
      const label = `Show ${plural(hidden, 'more reply', 'more replies')}`;
      const b: HTMLButtonElement = button(label, () => void loadReplies(view, b), { class: 'more-replies' });
      view.li.append(b);
    }
    return view;
  }

  const refresh = (view: CommentView, comment: Comment) => {
    view.comment = comment;
    renderArticle(view);
  };

  const dropFresh = (id: string) => {
    if (!fresh.some((c) => c.id === id)) return;
    fresh = fresh.filter((c) => c.id !== id);
    updateNewButton();
  };

  /**
   * Puts comments (with their nested replies) on screen, under `under` when given. Comments
   * already shown are updated in place instead, which is how a page, a live event and a POST
   * response for the same comment never show it twice. Returns the views it created.
   */
  function insertComments(comments: readonly Comment[], under: CommentView | undefined, arrival: Arrival): CommentView[] {
    const created: CommentView[] = [];
    // In oldest-first order, comments inserted out of band sit at the end; later pages go before them.
    const pageAnchor = arrival === 'page' && sort === 'oldest' ? list.querySelector(':scope > [data-out-of-band]') : null;
    for (const placed of flattenThread(comments, under)) {
      const c = placed.comment;
      if (arrival !== 'own') own.published(c.id);
      dropFresh(c.id);
      const existing = views.get(c.id);
      if (existing) {
        refresh(existing, c);
        continue;
      }
      const view = createView(c, placed);
      views.set(c.id, view);
      created.push(view);
      const container = (placed.shownUnder && views.get(placed.shownUnder)?.replies) || list;
      if (container !== list) container.appendChild(view.li);
      else if (arrival === 'page') list.insertBefore(view.li, pageAnchor);
      else {
        view.li.setAttribute('data-out-of-band', '');
        list.insertBefore(view.li, sort === 'newest' ? list.firstChild : null);
      }
    }
    return created;
  }

  /** Takes a comment off screen; one with replies stays as a placeholder so they keep their context. */
  function removeView(view: CommentView, counted: boolean) {
    if (views.get(view.comment.id) !== view) return;
    if (view.replies.firstChild) refresh(view, { ...view.comment, deleted: true, body: '', author: { name: 'deleted' } });
    else {
      if (view.li.contains(shadow.activeElement)) focusNear(view);
      view.li.remove();
      views.delete(view.comment.id);
    }
    if (counted) {
      total = Math.max(0, total - 1);
      updateHeading();
    }
  }

  /** Keeps keyboard focus somewhere sensible when the focused comment disappears. */
  function focusNear(view: CommentView) {
    const next = view.li.nextElementSibling ?? view.li.parentElement?.closest('li');
    const target = next instanceof HTMLElement ? next : list;
    if (target === list) list.setAttribute('tabindex', '-1');
    target.focus();
  }

  // ---- panels under a comment: reply, edit, delete, report -----------------------------------

  function openPanel(view: CommentView, trigger: HTMLButtonElement, make: (close: (returnFocus: boolean) => void) => Panel) {
    panel?.close(false);
    const handle = {
      close(returnFocus: boolean) {
        if (panel !== handle) return;
        panel = null;
        opened.el.remove();
        opened.onClose?.();
        trigger.setAttribute('aria-expanded', 'false');
        if (returnFocus) (trigger.isConnected ? trigger : view.li).focus();
      },
    };
    panel = handle;
    const opened = make((returnFocus) => handle.close(returnFocus));
    opened.el.addEventListener('keydown', (event) => {
      if ((event as KeyboardEvent).key !== 'Escape') return;
      event.stopPropagation();
      handle.close(true);
    });
    view.slot.appendChild(opened.el);
    trigger.setAttribute('aria-expanded', 'true');
    opened.focus();
  }

  async function openReply(view: CommentView, trigger: HTMLButtonElement) {
    let p: SitePolicy;
    try {
      p = await getPolicy();
    } catch (err) {
      return reportFailure(err, 'could not load the comment policy');
    }
    openPanel(view, trigger, (close) => {
      const ctx = formContext(p);
      ctx.prefetchFormToken();
      return commentForm(ctx, {
        parentId: view.comment.id,
        parentName: view.comment.author.name,
        onCancel: () => close(true),
        onPosted(result) {
          close(false);
          posted(result, view);
        },
      });
    });
  }

  /** Edit and delete carry the token; a 403 means the window closed (or the token was revoked). */
  async function withEditToken<T>(view: CommentView, task: (token: string) => Promise<T>): Promise<T> {
    const id = view.comment.id;
    const token = own.editToken(id);
    try {
      if (!token) throw new ApiError({ status: 403, code: 'edit_window_closed', message: '', field: null, retryAfterSeconds: null });
      return await task(token);
    } catch (err) {
      if (err instanceof ApiError && err.failure.status === 403) {
        own.editWindowClosed(id);
        throw new ApiError({ ...err.failure, message: 'The edit window has closed.' });
      }
      throw err;
    }
  }

  function openEdit(view: CommentView, trigger: HTMLButtonElement) {
    const id = view.comment.id;
    const bodyEl = () => view.article.querySelector<HTMLElement>('.body');
    openPanel(view, trigger, (close) => {
      const opened = editPanel({
        body: view.comment.body,
        bodyMax: policy?.limits.bodyMax ?? 10_000,
        announce,
        cancel: () => close(true),
        save: (body) =>
          withEditToken(view, async (token) => {
            editing.add(id);
            try {
              const result = await api.edit(id, token, body);
              own.edited(id, result.status, result.comment);
              close(false);
              refresh(view, { ...result.comment, replies: [], moreReplies: 0 });
              view.li.focus();
              announce(result.status === 'pending' ? 'Your edit was saved and is awaiting moderation.' : 'Your edit was saved.');
            } finally {
              editing.delete(id);
            }
          }),
      });
      // The edit box takes the place of the text it edits.
      const shown = bodyEl();
      if (shown) shown.hidden = true;
      return { ...opened, onClose: () => bodyEl()?.removeAttribute('hidden') };
    });
  }

  function openDelete(view: CommentView, trigger: HTMLButtonElement) {
    openPanel(view, trigger, (close) =>
      confirmPanel({
        question: 'Delete this comment? This cannot be undone.',
        confirmLabel: 'Yes, delete it',
        busyLabel: 'Deleting…',
        announce,
        cancel: () => close(true),
        confirm: () =>
          withEditToken(view, async (token) => {
            await api.remove(view.comment.id, token);
            const wasPublic = !own.isPending(view.comment.id);
            own.forget(view.comment.id);
            close(false);
            // Focus sits on the comment, so removing it moves focus to its neighbour.
            view.li.focus();
            removeView(view, wasPublic);
            announce('Your comment was deleted.');
          }),
      }),
    );
  }

  function openReport(view: CommentView, trigger: HTMLButtonElement) {
    openPanel(view, trigger, (close) =>
      reportPanel({
        announce,
        cancel: () => close(true),
        async send(reason, note) {
          try {
            await api.report(view.comment.id, reason, note);
            return 'sent';
          } catch (err) {
            if (err instanceof ApiError && err.failure.status === 409) return 'already-reported';
            throw err;
          }
        },
      }),
    );
  }

  // ---- posting -------------------------------------------------------------------------------

  function posted(result: PostResult, parent?: CommentView) {
    own.remember(result);
    const id = result.comment.id;
    // The live stream may have announced it before the POST answered; count it only once.
    const alreadyCounted = views.has(id) || fresh.some((c) => c.id === id);
    insertComments([{ ...result.comment, replies: [], moreReplies: 0 }], parent, 'own');
    if (result.status === 'published' && !alreadyCounted) {
      total++;
      updateHeading();
    }
    announce(
      result.status === 'published'
        ? 'Your comment was published.'
        : 'Your comment is awaiting moderation. Only you can see it until a moderator approves it.',
    );
    views.get(id)?.li.focus();
  }

  async function startCompose() {
    if (composeStarted) return;
    composeStarted = true;
    if (thread?.closed) {
      compose.append(h('p', { class: 'notice' }, 'Comments are closed.'));
      return;
    }
    try {
      const p = await getPolicy();
      compose.append(commentForm(formContext(p), { parentId: null, onPosted: (result) => posted(result) }).el);
    } catch (err) {
      if (!failureMessage(err)) return;
      console.error(`[parley] could not load the comment policy of site "${config.site}"; is data-site right?`);
      compose.append(h('p', { class: 'notice err' }, 'Commenting is unavailable right now.'));
    }
  }

  // ---- loading -------------------------------------------------------------------------------

  /** Bumped by every first-page load, so an answer for a sort order no longer shown is dropped. */
  let loadGeneration = 0;

  async function loadFirstPage() {
    const generation = ++loadGeneration;
    panel?.close(false);
    list.setAttribute('aria-busy', 'true');
    showNotice('Loading comments…');
    let page: CommentsPage;
    try {
      page = await api.comments(config.site, config.thread, sort, null);
    } catch (err) {
      if (generation !== loadGeneration) return;
      if (err instanceof ApiError && err.failure.status === 404) {
        // A thread is created by its first comment; until then there is nothing to list.
        page = { thread: { key: config.thread, title: config.title, url: config.url, closed: false, commentCount: 0 }, comments: [], nextCursor: null };
      } else {
        list.removeAttribute('aria-busy');
        const message = failureMessage(err);
        if (message) {
          console.warn('[parley] could not load comments:', err instanceof ApiError ? err.failure : err);
          showNotice(`Comments could not be loaded. ${message}`, () => void loadFirstPage());
        }
        return;
      }
    }
    if (generation !== loadGeneration) return;
    list.removeAttribute('aria-busy');
    showNotice(null);
    views.clear();
    list.textContent = '';
    fresh = [];
    updateNewButton();
    thread = page.thread;
    total = page.thread.commentCount;
    updateHeading();
    insertComments(page.comments, undefined, 'page');
    cursor = page.nextCursor;
    more.hidden = !cursor;
    showOwnPending();
    void startCompose();
    startLiveUpdates();
  }

  /** The reader's comments awaiting moderation: the server shows them to nobody, so we do. */
  function showOwnPending() {
    for (const c of own.pendingComments()) {
      if (views.has(c.id)) continue;
      insertComments([{ ...c, replies: [] }], c.parentId ? views.get(c.parentId) : undefined, 'own');
    }
  }

  async function loadMore() {
    if (!cursor) return;
    const generation = loadGeneration;
    await whileBusy(more, 'Loading…', async () => {
      const page = await api.comments(config.site, config.thread, sort, cursor);
      if (generation !== loadGeneration) return;
      const created = insertComments(page.comments, undefined, 'page');
      cursor = page.nextCursor;
      more.hidden = !cursor;
      announce(created.length ? `${plural(created.length, 'more comment')} loaded.` : 'No more comments.');
      created[0]?.li.focus();
    }).catch((err: unknown) => reportFailure(err, 'could not load more comments'));
  }

  async function loadReplies(view: CommentView, trigger: HTMLButtonElement) {
    await whileBusy(trigger, 'Loading…', async () => {
      const page = await api.replies(config.site, config.thread, view.comment.id, view.repliesCursor);
      // A server that ignored `parent` would send top-level comments; never show those as replies.
      const created = insertComments(page.comments.filter((c) => c.parentId === view.comment.id), view, 'page');
      view.repliesCursor = page.nextCursor;
      if (!page.nextCursor) trigger.remove();
      announce(`${plural(created.length, 'reply', 'replies')} loaded.`);
      created[0]?.li.focus();
    }).catch((err: unknown) => reportFailure(err, 'could not load replies'));
    if (view.repliesCursor && trigger.isConnected) trigger.textContent = 'Show more replies';
  }

  function changeSort() {
    sort = sortSelect.value === 'newest' ? 'newest' : 'oldest';
    void loadFirstPage();
  }

  // ---- live updates --------------------------------------------------------------------------

  function updateNewButton(say = false) {
    const label = plural(fresh.length, 'new comment');
    newButton.hidden = fresh.length === 0;
    newButton.textContent = label;
    if (say && fresh.length) announce(label);
  }

  /** New comments wait behind a button: text jumping under the reader's eyes is worse than a click. */
  function showFresh() {
    const batch = fresh;
    fresh = [];
    updateNewButton();
    const created: CommentView[] = [];
    for (const c of batch) {
      const parent = c.parentId ? views.get(c.parentId) : undefined;
      if (c.parentId && !parent) continue;
      created.push(...insertComments([c], parent, 'live'));
    }
    announce(`${plural(created.length, 'new comment')} shown.`);
    (created[0]?.li ?? heading).focus();
  }

  const asComment = (data: unknown): Comment | null => {
    const c = data as Comment | null;
    return c && typeof c.id === 'string' && c.author ? { ...c, replies: c.replies ?? [], moreReplies: c.moreReplies ?? 0 } : null;
  };

  function startLiveUpdates() {
    if (stopStream) return;
    stopStream = subscribe(api.streamUrl(config.site, config.thread), {
      'comment.published'(data) {
        const c = asComment(data);
        if (!c) return;
        const shown = views.get(c.id);
        if (shown) {
          // Our own pending comment, approved; or our own post racing its POST response.
          if (own.isPending(c.id)) {
            total++;
            updateHeading();
          }
          own.published(c.id);
          refresh(shown, c);
          return;
        }
        if (fresh.some((f) => f.id === c.id)) return;
        total++;
        updateHeading();
        // A reply to a comment not on screen has nowhere to go; the count still goes up.
        if (c.parentId && !views.has(c.parentId) && !fresh.some((f) => f.id === c.parentId)) return;
        fresh.push(c);
        updateNewButton(true);
      },
      'comment.edited'(data) {
        const c = asComment(data);
        if (!c) return;
        fresh = fresh.map((f) => (f.id === c.id ? c : f));
        const shown = views.get(c.id);
        if (shown && !editing.has(c.id)) {
          own.published(c.id);
          refresh(shown, c);
        }
      },
      'comment.removed'(data) {
        const id = (data as { id?: unknown } | null)?.id;
        if (typeof id !== 'string') return;
        dropFresh(id);
        // Our own edit that went back to moderation leaves public view, but not ours.
        if (editing.has(id) || own.isPending(id)) return;
        const shown = views.get(id);
        if (shown) removeView(shown, true);
        own.forget(id);
      },
    });
  }

  // ---- time passing --------------------------------------------------------------------------

  const ticker = setInterval(() => {
    const now = Date.now();
    for (const t of Array.from(root.querySelectorAll('time'))) t.textContent = formatRelativeTime(t.dateTime, now);
    for (const view of views.values()) if (view.editable && !own.editToken(view.comment.id)) renderArticle(view);
  }, 60_000);

  getPolicy().catch(() => {});
  void loadFirstPage();

  return {
    destroy() {
      aborter.abort();
      clearInterval(ticker);
      clearTimeout(announceTimer);
      stopStream?.();
      darkQuery?.removeEventListener?.('change', applyTheme);
      shadow.textContent = '';
    },
  };
}
