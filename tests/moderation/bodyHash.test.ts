import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodyHash } from '../../src/db/moderationLookups.js';

// The definition the faster implementation must keep: lower-case, every whitespace run one space, trimmed.
const reference = (body: string) => crypto.createHash('sha256').update(body.toLowerCase().replace(/\s+/g, ' ').trim()).digest('hex');

describe('bodyHash', () => {
  it('folds case and every kind of whitespace run, so reposts with other spacing match', () => {
    expect(bodyHash('Buy  cheap\n\nDVDs\there ')).toBe(bodyHash('buy cheap dvds here'));
    expect(bodyHash('a\u00a0b')).toBe(bodyHash('a b'));
    expect(bodyHash('a b')).not.toBe(bodyHash('ab'));
  });

  it('equals the plain definition on text with mixed whitespace', () => {
    const pieces = ['Refusenik', 'film', ' ', '  ', '\n', '\r\n', '\t', '\u00a0', '\u2003', '\u3000', 'É', 'ß', '.', ''];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 500; n++) {
      let text = '';
      for (let i = next() % 40; i > 0; i--) text += pieces[next() % pieces.length];
      expect(bodyHash(text)).toBe(reference(text));
    }
  });
});
