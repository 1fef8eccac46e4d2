import { button, h, uid } from './dom.js';
import { characterCounter, errorLine, failureMessage, fieldError, whileBusy, type ErrorLine } from './formParts.js';
import type { ReportReason } from './types.js';

/** Something opened under a comment: the reply form, or one of these. One is open at a time. */
export interface Panel {
  el: HTMLElement;
  focus(): void;
  onClose?(): void;
}

type Announce = (message: string) => void;

/** Runs a panel's action, showing any failure in `error` and saying it out loud. */
async function act(btn: HTMLButtonElement, busyLabel: string, error: ErrorLine, announce: Announce, task: () => Promise<void>) {
  error.clear();
  await whileBusy(btn, busyLabel, task).catch((err: unknown) => {
    const message = failureMessage(err);
    if (!message) return;
    error.show(message);
    announce(message);
  });
}

export function editPanel(o: { body: string; bodyMax: number; announce: Announce; save(body: string): Promise<void>; cancel(): void }): Panel {
  const id = uid('edit');
  const textarea = h('textarea', { id, rows: 5, value: o.body });
  const counter = characterCounter(textarea, o.bodyMax, o.announce);
  const error = fieldError(textarea, [counter.el.id]);
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save changes');
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const body = textarea.value.trim();
    const problem = !body ? 'Please write a comment.' : body.length > o.bodyMax ? `Your comment can be at most ${o.bodyMax} characters.` : null;
    if (problem) {
      error.show(problem);
      o.announce(problem);
      textarea.focus();
      return;
    }
    void act(save, 'Saving…', error, o.announce, () => o.save(body));
  };
  const el = h(
    'form',
    { class: 'panel', novalidate: true, onsubmit: onSubmit },
    h('label', { for: id }, 'Edit your comment'),
    textarea,
    counter.el,
    error.el,
    h('div', { class: 'buttons' }, save, button('Cancel', o.cancel)),
  );
  return {
    el,
    focus() {
      textarea.focus();
      textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    },
  };
}

/** An inline "are you sure?", rather than window.confirm, which sandboxed pages silently answer "no". */
export function confirmPanel(o: { question: string; confirmLabel: string; busyLabel: string; announce: Announce; confirm(): Promise<void>; cancel(): void }): Panel {
  const id = uid('confirm');
  const cancel = button('Cancel', o.cancel);
  const error = errorLine();
  const yes: HTMLButtonElement = button(o.confirmLabel, () => void act(yes, o.busyLabel, error, o.announce, o.confirm), { class: 'primary' });
  const el = h('div', { class: 'panel', role: 'group', 'aria-labelledby': id }, h('p', { id }, o.question), error.el, h('div', { class: 'buttons' }, yes, cancel));
  // The action can't be undone, so keyboard focus starts on the harmless choice.
  return { el, focus: () => cancel.focus() };
}

const REASONS: [ReportReason, string][] = [
  ['spam', 'Spam'],
  ['abuse', 'Abusive or hateful'],
  ['off-topic', 'Off-topic'],
  ['misinformation', 'Misinformation'],
  ['other', 'Something else'],
];

export type ReportOutcome = 'sent' | 'already-reported';

export function reportPanel(o: { announce: Announce; send(reason: ReportReason, note: string): Promise<ReportOutcome>; cancel(): void }): Panel {
  const id = uid('report');
  const reason = h('select', { id: `${id}-reason` }, REASONS.map(([value, label]) => h('option', { value }, label)));
  const note = h('textarea', { id: `${id}-note`, rows: 3, maxlength: 2000 });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Send report');
  const error = errorLine();
  const el = h('div', null);
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void act(submit, 'Sending…', error, o.announce, async () => {
      const outcome = await o.send(reason.value as ReportReason, note.value.trim());
      const text = `${outcome === 'already-reported' ? 'You have already reported this comment. ' : ''}Thanks, a moderator will look at it.`;
      const thanks = h('p', { class: 'thanks', tabindex: -1 }, text);
      el.textContent = '';
      el.append(thanks);
      thanks.focus();
      o.announce(text);
    });
  };
  el.append(
    h(
      'form',
      { class: 'panel', novalidate: true, 'aria-labelledby': `${id}-title`, onsubmit: onSubmit },
      h('h3', { id: `${id}-title` }, 'Report this comment'),
      h('div', { class: 'field' }, h('label', { for: reason.id }, 'Reason'), reason),
      h('div', { class: 'field' }, h('label', { for: note.id }, 'Note (optional)'), note),
      error.el,
      h('div', { class: 'buttons' }, submit, button('Cancel', o.cancel)),
    ),
  );
  return { el, focus: () => reason.focus() };
}
