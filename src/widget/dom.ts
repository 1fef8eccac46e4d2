/**
 * The widget's whole DOM toolkit. Text always goes in as text nodes: there is deliberately no way
 * to pass markup, so nothing a commenter writes can become HTML.
 */

export type Child = Node | string | number | null | undefined | false | readonly Child[];
type AttrValue = string | number | boolean | null | undefined | ((event: Event) => void);
export type Attrs = Record<string, AttrValue>;

/**
 * h('button', { type: 'button', class: 'x', onclick: fn }, 'Reply'). Keys starting with "on"
 * add listeners; `value` is set as a property (a textarea has no value attribute); true gives an
 * empty attribute, false/null/undefined none.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const key in attrs) {
    const value = attrs[key];
    if (value == null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') (el as HTMLInputElement).value = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'object' ? (child as Node) : document.createTextNode(String(child)));
  }
}

/** Paragraphs of lines (see splitBody) as <p> elements with <br> between lines. */
export function paragraphs(lines: readonly (readonly string[])[]): HTMLParagraphElement[] {
  return lines.map((para) => h('p', null, para.map((line, i) => (i ? [h('br'), line] : line))));
}

export function button(label: string, onclick: (event: Event) => void, attrs?: Attrs): HTMLButtonElement {
  return h('button', { type: 'button', ...attrs, onclick }, label);
}

let counter = 0;
/** Ids for label/aria wiring; unique across every widget instance on the page. */
export function uid(prefix: string): string {
  return `parley-${prefix}${++counter}`;
}
