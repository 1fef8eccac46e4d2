import type { Api } from './api.js';
import { ApiError, formFieldForErrorPath, type FormField } from './apiErrors.js';
import { splitBody } from './bodyText.js';
import { normalizeWebsite, validateDraft } from './commentDraft.js';
import { button, h, paragraphs, uid } from './dom.js';
import { characterCounter, failureMessage, fieldError, whileBusy } from './formParts.js';
import type { EmbedConfig } from './pageConfig.js';
import { loadProfile, saveProfile, type StorageLike } from './readerStorage.js';
import type { PostResult, SitePolicy } from './types.js';
import { plural } from './words.js';

export interface FormContext {
  config: EmbedConfig;
  api: Api;
  storage: StorageLike;
  policy: SitePolicy;
  /** The site's policy read again (it changed while the page was open). */
  refreshPolicy(): Promise<SitePolicy>;
  formToken(): Promise<string>;
  /** Called on first focus: the token is a signed timestamp, so it is fetched when a person shows up. */
  prefetchFormToken(): void;
  /** Forget a token the server refused, so the next attempt gets a fresh one. */
  dropFormToken(): void;
  announce(message: string): void;
}

export interface CommentFormOptions {
  parentId: string | null;
  parentName?: string;
  onPosted(result: PostResult): void;
  onCancel?(): void;
}

/** The new-comment form (top of the thread) and the reply form (under a comment): one form, two places. */
export function commentForm(ctx: FormContext, opts: CommentFormOptions): { el: HTMLFormElement; focus(): void } {
  const { limits } = ctx.policy;
  let { policy } = ctx.policy;
  const id = uid('form');
  const profile = loadProfile(ctx.storage);

  const controls = {
    name: h('input', { id: `${id}-name`, name: 'name', autocomplete: 'name', required: true, value: profile.name }),
    email: h('input', { id: `${id}-email`, name: 'email', type: 'email', autocomplete: 'email', spellcheck: 'false', required: true, value: profile.email }),
    website: h('input', { id: `${id}-website`, name: 'website', type: 'url', inputmode: 'url', autocomplete: 'url', placeholder: 'https://', value: profile.website }),
    body: h('textarea', { id: `${id}-body`, name: 'body', rows: 5, required: true }),
    consent: h('input', { id: `${id}-consent`, name: 'consent', type: 'checkbox', required: true }),
  } satisfies Record<FormField, HTMLElement>;
  // Bots fill every field they find; people never see this one.
  const honeypot = h('input', { name: 'website2', type: 'text', tabindex: -1, autocomplete: 'off' });

  const emailHint = h('span', { class: 'hint', id: `${id}-email-hint` }, 'Never shown publicly.');
  const counter = characterCounter(controls.body, limits.bodyMax, ctx.announce);
  const errors = {
    name: fieldError(controls.name),
    email: fieldError(controls.email, [emailHint.id]),
    website: fieldError(controls.website),
    body: fieldError(controls.body, [counter.el.id]),
    consent: fieldError(controls.consent),
  } satisfies Record<FormField, unknown>;
  const formError = h('p', { class: 'form-error', id: `${id}-error`, hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Post comment');
  const headingId = `${id}-title`;

  const labelled = (field: FormField, label: string, below?: Node) =>
    h('div', { class: 'field' }, h('label', { for: controls[field].id }, label), controls[field], below, errors[field].el);

  const clearErrors = () => {
    for (const e of Object.values(errors)) e.clear();
    formError.hidden = true;
  };
  const showError = (field: FormField | null, message: string) => {
    if (field) errors[field].show(message);
    else {
      formError.textContent = message;
      formError.hidden = false;
    }
  };

  const send = async () => {
    const website = normalizeWebsite(controls.website.value);
    const author = { name: controls.name.value.trim(), email: controls.email.value.trim(), ...(website ? { website } : {}) };
    const result = await ctx.api.post({
      site: ctx.config.site,
      thread: ctx.config.thread,
      url: ctx.config.url,
      title: ctx.config.title,
      ...(opts.parentId ? { parentId: opts.parentId } : {}),
      author,
      body: controls.body.value.trim(),
      consent: { policyVersion: policy.version, accepted: true },
      honeypot: honeypot.value,
      // Without a token the server still decides (it may hold the comment); the reader is not blocked.
      formToken: await ctx.formToken().catch(() => null),
    });
    saveProfile(ctx.storage, { name: author.name, email: author.email, website });
    controls.body.value = '';
    controls.consent.checked = false;
    counter.update();
    opts.onPosted(result);
  };

  const consentLabel = h('label', { for: controls.consent.id }, policy.consentText);
  const policyText = h('div', { class: 'policy-text' }, paragraphs(splitBody(policy.text)));
  const showNewPolicy = async () => {
    const fresh = await ctx.refreshPolicy().catch(() => null);
    if (!fresh) return;
    policy = fresh.policy;
    consentLabel.textContent = policy.consentText;
    policyText.replaceChildren(...paragraphs(splitBody(policy.text)));
    controls.consent.checked = false;
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (submit.getAttribute('aria-disabled') === 'true') return;
    clearErrors();
    const problems = validateDraft(
      {
        name: controls.name.value,
        email: controls.email.value,
        website: controls.website.value,
        body: controls.body.value,
        consent: controls.consent.checked,
      },
      limits,
    );
    const first = problems[0];
    if (first) {
      for (const p of problems) showError(p.field, p.message);
      controls[first.field].focus();
      ctx.announce(problems.length > 1 ? `${first.message} ${plural(problems.length - 1, 'more problem')} to fix.` : first.message);
      return;
    }
    await whileBusy(submit, 'Posting…', send).catch((err: unknown) => {
      const message = failureMessage(err);
      if (!message) return;
      const failure = err instanceof ApiError ? err.failure : null;
      if (failure && (failure.field === 'formToken' || /token/i.test(failure.code))) ctx.dropFormToken();
      // The policy changed since the page loaded: show the new one, to be read and accepted anew.
      if (failure?.code === 'policy_outdated') void showNewPolicy();
      const field = formFieldForErrorPath(failure?.field);
      showError(field, message);
      if (field) controls[field].focus();
      ctx.announce(message);
    });
  };

  const el = h(
    'form',
    { class: 'form', novalidate: true, 'aria-labelledby': headingId, onsubmit: onSubmit, onfocusin: () => ctx.prefetchFormToken() },
    h('h3', { id: headingId }, opts.parentName ? `Reply to ${opts.parentName}` : 'Leave a comment'),
    formError,
    h('div', { class: 'fields' }, labelled('name', 'Name'), labelled('email', 'Email', emailHint), labelled('website', 'Website (optional)')),
    labelled('body', 'Comment', counter.el),
    h(
      'div',
      { class: 'consent' },
      controls.consent,
      consentLabel,
      h('details', null, h('summary', null, 'Read the comment policy'), policyText),
      // Readers' own export and erasure requests (GDPR articles 15 and 17): a page of the server's.
      h('a', { class: 'your-data', href: `${ctx.config.api}/privacy/${encodeURIComponent(ctx.config.site)}`, target: '_blank', rel: 'noopener' }, 'Your data: get a copy or erase it'),
      errors.consent.el,
    ),
    h('div', { class: 'hp', 'aria-hidden': 'true' }, h('label', null, 'Leave this field empty ', honeypot)),
    h('div', { class: 'buttons' }, submit, opts.onCancel && button('Cancel', () => opts.onCancel?.())),
  );
  return {
    el,
    focus() {
      (controls.name.value && controls.email.value ? controls.body : controls.name).focus();
    },
  };
}
