import { ApiError, messageForFailure } from './apiErrors.js';
import { h, uid } from './dom.js';

/** A message line for errors that belong to no one field. */
export function errorLine(id = uid('error')) {
  const el = h('p', { class: 'error', id, hidden: true });
  return {
    el,
    show(message: string) {
      el.textContent = message;
      el.hidden = false;
    },
    clear() {
      el.textContent = '';
      el.hidden = true;
    },
  };
}

export type ErrorLine = ReturnType<typeof errorLine>;

/**
 * An error message tied to its control: shown next to it, and announced with it through
 * aria-describedby and aria-invalid, so a screen reader hears the problem on reaching the field.
 */
export function fieldError(control: HTMLElement, hintIds: string[] = []): ErrorLine {
  const line = errorLine(`${control.id}-error`);
  const describe = () => {
    const ids = [...(line.el.hidden ? [] : [line.el.id]), ...hintIds];
    if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
    else control.removeAttribute('aria-describedby');
  };
  describe();
  return {
    el: line.el,
    show(message: string) {
      line.show(message);
      control.setAttribute('aria-invalid', 'true');
      describe();
    },
    clear() {
      line.clear();
      control.removeAttribute('aria-invalid');
      describe();
    },
  };
}

/** "123 / 10000" under a textarea; it says so once, out loud, when the text goes over. */
export function characterCounter(textarea: HTMLTextAreaElement, max: number, announce: (message: string) => void) {
  const el = h('span', { class: 'counter', id: `${textarea.id}-count` });
  let wasOver = false;
  const update = () => {
    const n = textarea.value.length;
    const over = n > max;
    el.textContent = `${n} / ${max}`;
    el.classList.toggle('over', over);
    if (over && !wasOver) announce(`Your comment is over the limit of ${max} characters.`);
    wasOver = over;
  };
  textarea.addEventListener('input', update);
  update();
  return { el, update };
}

/**
 * Runs `task` with the button showing it is busy. aria-disabled rather than disabled, because
 * disabling the focused button would throw keyboard focus back to the page.
 */
export async function whileBusy(btn: HTMLButtonElement, busyLabel: string, task: () => Promise<void>): Promise<void> {
  if (btn.getAttribute('aria-disabled') === 'true') return;
  const label = btn.textContent;
  btn.setAttribute('aria-disabled', 'true');
  btn.textContent = busyLabel;
  try {
    await task();
  } finally {
    btn.removeAttribute('aria-disabled');
    btn.textContent = label;
  }
}

/** What to tell the reader about a failure; null when there is nothing to say (widget destroyed). */
export function failureMessage(err: unknown): string | null {
  if (err instanceof ApiError) return messageForFailure(err.failure);
  if ((err as Error | null)?.name === 'AbortError') return null;
  console.error('[parley]', err);
  return 'Something went wrong. Please try again.';
}
