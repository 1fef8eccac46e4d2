import { describe, expect, it } from 'vitest';
import { decodeEntities } from '../../src/import/htmlEntities.js';
import { htmlToLine, htmlToText } from '../../src/import/htmlToText.js';

describe('htmlToText: structure', () => {
  it('separates paragraphs with one blank line', () => {
    expect(htmlToText('<p>First</p>\n\n<p>Second</p><p></p><p>Third</p>')).toBe('First\n\nSecond\n\nThird');
  });

  it('keeps <br> as a line break, and two or more as a paragraph', () => {
    expect(htmlToText('one<br>two<br/>three')).toBe('one\ntwo\nthree');
    expect(htmlToText('one<br><br><br><br>two')).toBe('one\n\ntwo');
  });

  it('breaks lines at block elements and drops leading and trailing breaks', () => {
    expect(htmlToText('<div>a</div><div>b</div><br><h2>Title</h2>text<br>')).toBe('a\nb\n\nTitle\n\ntext');
  });

  it('collapses whitespace inside a line and never leaves trailing spaces', () => {
    expect(htmlToText('  lots   of\t\tspace \n here&nbsp;&nbsp;too  <p>  x  </p>')).toBe(
      'lots of space here too\n\nx',
    );
  });

  it('treats newlines as whitespace by default, as HTML does', () => {
    expect(htmlToText('line one\nline two\n\nstill the same paragraph')).toBe(
      'line one line two still the same paragraph',
    );
  });

  it("reads newlines as breaks in 'break' mode, as WordPress stores comments", () => {
    expect(htmlToText('line one\nline two\n\n\n\nnew paragraph', { newlines: 'break' })).toBe(
      'line one\nline two\n\nnew paragraph',
    );
  });

  it("does not double the breaks WordPress writes between block tags in 'break' mode", () => {
    const html = '<ul>\n\t<li>one</li>\n\t<li>two</li>\n</ul>\n<p>after</p>\nend<br />\nnext';
    expect(htmlToText(html, { newlines: 'break' })).toBe('- one\n- two\n\nafter\n\nend\nnext');
  });

  it('normalises Windows line endings', () => {
    expect(htmlToText('a\r\nb\r\n\r\nc', { newlines: 'break' })).toBe('a\nb\n\nc');
  });

  it('marks list items, numbering ordered lists from their start attribute', () => {
    expect(htmlToText('<ol start="3"><li>c</li><li>d</li></ol><ul><li>x<ul><li>y</li></ul></li></ul>')).toBe(
      '3. c\n4. d\n\n- x\n  - y',
    );
  });

  it('prefixes quoted lines with "> ", keeping the quote apart from the text around it', () => {
    expect(htmlToText('Said:<blockquote><p>one</p><p>two</p></blockquote>Reply')).toBe(
      'Said:\n\n> one\n>\n> two\n\nReply',
    );
  });

  it('keeps the indentation and line breaks of <pre>', () => {
    expect(htmlToText('<pre>\nif (x) {\n    run();\n}\n</pre>after')).toBe('if (x) {\n    run();\n}\n\nafter');
  });
});

describe('htmlToText: tags and text', () => {
  it('removes tags and keeps their text', () => {
    expect(htmlToText('<strong>bold</strong> and <em class="x">it<span>al</span>ic</em>')).toBe('bold and italic');
  });

  it('matches tags in any case', () => {
    expect(htmlToText('<P>One</P><P>Two<BR>three</P>')).toBe('One\n\nTwo\nthree');
  });

  it('leaves a < that cannot start a tag as text', () => {
    expect(htmlToText('if a < b and b > c')).toBe('if a < b and b > c');
    expect(htmlToText('I <3 this, 1<2')).toBe('I <3 this, 1<2');
    expect(htmlToText('trailing <')).toBe('trailing <');
  });

  it('leaves an unfinished tag at the end as text', () => {
    expect(htmlToText('text <a href="x')).toBe('text <a href="x');
    expect(htmlToText('text <b')).toBe('text <b');
  });

  it('reads attributes containing > and unquoted attributes', () => {
    expect(htmlToText('<a title="a > b" href="https://e.org/x">here</a>')).toBe('here (https://e.org/x)');
    expect(htmlToText('<a href=https://e.org/y>there</a>')).toBe('there (https://e.org/y)');
  });

  it('drops script and style contents, even with markup-like text inside', () => {
    expect(htmlToText('before <script>if (a<b) { x("</p>") }</script> after')).toBe('before after');
    expect(htmlToText('<style>p > a { color: red }</STYLE>styled')).toBe('styled');
    expect(htmlToText('open <script>never closed')).toBe('open');
  });

  it('drops comments and declarations', () => {
    expect(htmlToText('a<!-- hidden <b>x</b> -->b<!DOCTYPE html>c<?php echo 1 ?>d')).toBe('abcd');
  });

  it('removes control characters that databases refuse', () => {
    expect(htmlToText('nul\u0000 bell\u0007 ok&#1;')).toBe('nul bell ok');
  });
});

describe('htmlToText: links and images', () => {
  it('keeps the link text and adds the address in parentheses', () => {
    expect(htmlToText('see <a href="https://example.org/post">this post</a>.')).toBe(
      'see this post (https://example.org/post).',
    );
  });

  it('does not repeat an address that is already the link text', () => {
    expect(htmlToText('<a href="https://example.org/">https://example.org</a>')).toBe('https://example.org');
    expect(htmlToText('<a href="http://www.example.org">example.org</a>')).toBe('example.org');
    expect(htmlToText('<a href="mailto:me@example.org">me@example.org</a>')).toBe('me@example.org');
  });

  it('shows the address of a link without text', () => {
    expect(htmlToText('<a href="https://example.org/a"></a>')).toBe('https://example.org/a');
  });

  it('drops addresses that only work on the original page or run code', () => {
    expect(htmlToText('<a href="javascript:alert(1)">click</a> <a href="#c12">above</a>')).toBe('click above');
  });

  it('decodes entities in addresses', () => {
    expect(htmlToText('<a href="/s?a=1&amp;b=2&copy=3">q</a>')).toBe('q (/s?a=1&b=2&copy=3)');
  });

  it('turns an image into its alt text and address', () => {
    expect(htmlToText('<img src="https://e.org/cat.jpg" alt="A cat">')).toBe('A cat (https://e.org/cat.jpg)');
    expect(htmlToText('<img src="https://e.org/cat.jpg">')).toBe('(https://e.org/cat.jpg)');
    expect(htmlToText('<img src="data:image/png;base64,AAAA" alt="inline">')).toBe('inline');
  });
});

describe('decodeEntities', () => {
  it('decodes named, decimal and hexadecimal references', () => {
    expect(decodeEntities('&lt;&gt;&amp;&quot;&apos; &eacute;&uuml;&szlig; &hellip;&mdash;&euro; &#228;&#x1F600;')).toBe(
      `<>&"' éüß …—€ ä😀`,
    );
  });

  it('reads numeric references 128–159 as Windows-1252, as browsers do', () => {
    expect(decodeEntities('&#150; &#151; &#147;q&#148;')).toBe('– — “q”');
  });

  it('leaves unknown names and bare ampersands alone', () => {
    expect(decodeEntities('AT&T &bogus; &notice fish & chips')).toBe('AT&T &bogus; &notice fish & chips');
  });

  it('accepts the common legacy names without a semicolon', () => {
    expect(decodeEntities('a &amp b &lt c')).toBe('a & b < c');
  });

  it('replaces impossible code points', () => {
    expect(decodeEntities('&#0;&#xD800;&#x110000;')).toBe('\uFFFD\uFFFD\uFFFD');
  });

  it('does not decode twice', () => {
    expect(htmlToText('&amp;lt;b&amp;gt;')).toBe('&lt;b&gt;');
    expect(htmlToText('&lt;b&gt;not bold&lt;/b&gt;')).toBe('<b>not bold</b>');
  });
});

describe('htmlToLine', () => {
  it('flattens to one line', () => {
    expect(htmlToLine('Ping 1 &laquo; What&#8217;s <b>up</b><br>\n next')).toBe('Ping 1 « What’s up next');
  });
});
