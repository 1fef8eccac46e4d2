// Collects the fields of one export record (a WordPress comment, a Disqus post) from
// XML events. Fields are addressed by their path below the record, `author/name`, and
// attributes by `path@attribute` (`thread@dsq:id`, or `@dsq:id` on the record itself).
// Only wanted paths are kept, so a post's multi-megabyte body is never accumulated
// when only its title is needed.

// Characters XML forbids (and PostgreSQL refuses, for NUL) that broken exports contain anyway.
const DISALLOWED_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export class RecordFields {
  private readonly values = new Map<string, string>();
  /** Keys of the open elements below the record, innermost last: `author`, `author/name`. */
  private readonly path: string[] = [];
  private capturing: string | null = null;
  private captureDepth = 0;
  private buffer = '';
  private emptySince = -1;

  constructor(
    private readonly wanted: ReadonlySet<string>,
    ownAttributes: Record<string, string>,
  ) {
    this.keepAttributes('', ownAttributes);
  }

  open(name: string, attributes: Record<string, string>): void {
    if (this.capturing !== null) {
      // Unescaped HTML inside a text field arrives as elements; put the tags back so
      // the HTML converter still sees the <p>s and <br>s.
      this.buffer += `<${name}${serialiseAttributes(attributes)}>`;
      this.emptySince = this.buffer.length;
      this.path.push(name);
      return;
    }
    const parent = this.path.at(-1);
    const key = parent === undefined ? name : `${parent}/${name}`;
    this.path.push(key);
    this.keepAttributes(key, attributes);
    if (this.wanted.has(key)) {
      this.capturing = key;
      this.captureDepth = this.path.length;
      this.buffer = '';
    }
  }

  text(text: string): void {
    if (this.capturing !== null) this.buffer += text.replace(DISALLOWED_CHARACTERS, '');
  }

  close(name: string): void {
    if (this.capturing !== null) {
      if (this.path.length === this.captureDepth) {
        // The first occurrence wins: later duplicates are usually a broken export repeating itself.
        if (!this.values.has(this.capturing)) this.values.set(this.capturing, this.buffer);
        this.capturing = null;
        this.buffer = '';
      } else {
        this.appendCloseTag(name);
      }
    }
    this.path.pop();
  }

  /** The field's text, trimmed; '' when absent. */
  get(key: string): string {
    return this.values.get(key)?.trim() ?? '';
  }

  /** The field's text exactly as exported (bodies keep their line structure). */
  raw(key: string): string | undefined {
    return this.values.get(key);
  }

  // An empty element is written self-closing: XML's <br/> must not come back as <br></br>, two breaks.
  private appendCloseTag(name: string): void {
    if (this.emptySince === this.buffer.length) this.buffer = this.buffer.slice(0, -1) + '/>';
    else this.buffer += `</${name}>`;
  }

  private keepAttributes(key: string, attributes: Record<string, string>): void {
    for (const name in attributes) {
      const attributeKey = `${key}@${name}`;
      if (this.wanted.has(attributeKey) && !this.values.has(attributeKey)) this.values.set(attributeKey, attributes[name]!);
    }
  }
}

function serialiseAttributes(attributes: Record<string, string>): string {
  let out = '';
  for (const [name, value] of Object.entries(attributes)) out += ` ${name}="${value.replace(/"/g, '&quot;')}"`;
  return out;
}
