import { describe, expect, it } from 'vitest';
import { splitBody } from '../../src/widget/bodyText.js';

describe('splitBody', () => {
  it('splits paragraphs on blank lines and lines on single newlines', () => {
    expect(splitBody('First line\nsecond line\n\nNew paragraph')).toEqual([['First line', 'second line'], ['New paragraph']]);
  });

  it('treats Windows and old Mac line endings like \\n', () => {
    expect(splitBody('a\r\nb\r\n\r\nc\rd')).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('treats a line of only spaces as blank, and collapses runs of blank lines', () => {
    expect(splitBody('one\n   \n\n\t\ntwo')).toEqual([['one'], ['two']]);
  });

  it('drops leading and trailing blank lines and trailing spaces', () => {
    expect(splitBody('\n\n  hello  \n\n')).toEqual([['  hello']]);
  });

  it('gives no paragraphs for an empty or whitespace body', () => {
    expect(splitBody('')).toEqual([]);
    expect(splitBody(' \n \n')).toEqual([]);
  });

  it('keeps markup as literal text for the DOM layer to insert as text nodes', () => {
    expect(splitBody('<img src=x onerror=alert(1)>\n<b>hi</b>')).toEqual([['<img src=x onerror=alert(1)>', '<b>hi</b>']]);
  });

  it('keeps the seed comment as one paragraph', () => {
    const body =
      'I would like to find the film REFUSENIK to show to a group at my Temple. Any suggestions how I can find this would be appreciated.';
    expect(splitBody(body)).toEqual([[body]]);
  });
});
