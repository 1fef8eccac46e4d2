import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_FILE, evaluate, parseCsv, parseLabelledCsv } from '../../scripts/eval-moderation.js';

describe('reading labelled CSV', () => {
  it('handles quotes, doubled quotes, commas and line breaks inside fields', () => {
    const csv = 'body,label\r\n"Hello, ""world""\nsecond line",genuine\nplain,spam\n"",abuse\n';
    expect(parseCsv(csv)).toEqual([
      ['body', 'label'],
      ['Hello, "world"\nsecond line', 'genuine'],
      ['plain', 'spam'],
      ['', 'abuse'],
    ]);
  });

  it('fills in a name and email when the optional columns are missing', () => {
    expect(parseLabelledCsv('label,body\ngenuine,Nice\n')).toEqual([
      { body: 'Nice', label: 'genuine', author: 'Reader 1', email: 'reader1@example.org', website: null },
    ]);
  });

  it('refuses unknown labels', () => {
    expect(() => parseLabelledCsv('body,label\nx,ham\n')).toThrow(/unknown label "ham"/);
  });
});

describe('the local rules on the labelled comments', () => {
  const comments = parseLabelledCsv(readFileSync(DEFAULT_DATA_FILE, 'utf8'));

  it('has at least 300 labelled comments of every kind', () => {
    expect(comments.length).toBeGreaterThanOrEqual(300);
    for (const label of ['genuine', 'spam', 'abuse']) expect(comments.some((c) => c.label === label)).toBe(true);
  });

  it('publishes at least 97% of genuine comments and stops at least 90% of spam and 85% of abuse', async () => {
    const { classes } = await evaluate(comments);
    expect(classes.genuine.publishedShare).toBeGreaterThanOrEqual(0.97);
    expect(classes.spam.notPublishedShare).toBeGreaterThanOrEqual(0.9);
    expect(classes.abuse.notPublishedShare).toBeGreaterThanOrEqual(0.85);
  });
});
