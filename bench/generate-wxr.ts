// Writes a realistic WordPress export (WXR 1.2) for measuring the importer, and
// measures the WordPress reader over one.
//
//   npx tsx bench/generate-wxr.ts OUT.xml --comments 100000 --posts 1000 [--seed 1]
//   npx tsx bench/generate-wxr.ts --measure OUT.xml
//
// Measuring runs in its own process so the peak RSS it prints is the reader's alone.
// The file is streamed to disk, so generating a multi-GB export needs no memory either.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { readWordPress } from '../src/import/wordpress.js';
import { prng } from './text.js';

export interface WxrStats {
  posts: number;
  comments: number;
  /** Imported comments by status (trash is skipped by the reader, so it is counted apart). */
  published: number;
  pending: number;
  spam: number;
  trash: number;
  pingbacks: number;
  trackbacks: number;
  /** Comments that reply to another comment. */
  replies: number;
  bytes: number;
}

export interface WxrOptions {
  comments: number;
  posts: number;
  seed?: number;
}

const FIRST_NAMES = ['Anna', 'Jürgen', 'María', 'Chen', 'Olusegun', 'Priya', 'Tom', 'Søren', 'Fatima', 'Kenji', 'Zoë', 'Łukasz'];
const LAST_NAMES = ['Schmidt', 'García', 'Wang', 'Adeyemi', 'Sharma', 'Baker', 'Nielsen', 'Haddad', 'Sato', 'Kowalski'];
const WORDS = (
  'the a of to and in that is for it with as was on be at by this had not are but from or have an they which ' +
  'one you were her all she there would their we him been has when who will more no if out so said what up ' +
  'its about into than them can only other new some could time these two may then do first any my now such ' +
  'like our over man me even most made after also did many before must through back years where much your ' +
  'way well down should because each just those people how too little state good very make world still own ' +
  'see men work long get here between both life being under never day same another know while last might ' +
  'us great old year off come since against go came right used take three article argument point however ' +
  'agree disagree interesting thanks really think über schön Grüße naïve café 🙂 👍'
).split(' ');

// mulberry32, shared with the benchmark seeder: the same file for the same seed.
const random = prng;

export async function writeWxr(path: string, options: WxrOptions): Promise<WxrStats> {
  const rand = random(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  const sentence = (min: number, max: number) => {
    const words = Array.from({ length: int(min, max) }, () => pick(WORDS));
    const text = words.join(' ');
    return text.charAt(0).toUpperCase() + text.slice(1) + pick(['.', '.', '.', '!', '?']);
  };
  const paragraph = () => Array.from({ length: int(1, 4) }, () => sentence(5, 22)).join(' ');

  // Popular posts draw most comments, as on real sites.
  const weights = Array.from({ length: options.posts }, (_, i) => 1 / (i + 1) ** 0.8);
  const total = weights.reduce((sum, w) => sum + w, 0);
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w / total), 0);
  const perPost = new Array<number>(options.posts).fill(0);
  for (let i = 0; i < options.comments; i++) {
    const r = rand();
    let lo = 0;
    let hi = options.posts - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    perPost[lo]!++;
  }

  const stats: WxrStats = {
    posts: options.posts, comments: options.comments, published: 0, pending: 0, spam: 0, trash: 0,
    pingbacks: 0, trackbacks: 0, replies: 0, bytes: 0,
  };
  const out = createWriteStream(path);
  let pending = '';
  const write = async (text: string) => {
    pending += text;
    if (pending.length < 1 << 16) return;
    if (!out.write(pending)) await once(out, 'drain');
    pending = '';
  };

  await write(`<?xml version="1.0" encoding="UTF-8" ?>
<!-- generator="WordPress/6.4.2" created="2024-01-01 12:00" -->
<rss version="2.0"
\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
\t<title>A Generated Blog</title>
\t<link>https://blog.example.org</link>
\t<description>Benchmark data for Parley</description>
\t<language>en-US</language>
\t<wp:wxr_version>1.2</wp:wxr_version>
\t<wp:base_site_url>https://blog.example.org</wp:base_site_url>
\t<wp:base_blog_url>https://blog.example.org</wp:base_blog_url>
\t<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[editor]]></wp:author_login><wp:author_email><![CDATA[editor@example.org]]></wp:author_email><wp:author_display_name><![CDATA[The Editor]]></wp:author_display_name></wp:author>
`);

  let commentId = 0;
  const start = Date.UTC(2009, 0, 1);
  for (let post = 0; post < options.posts; post++) {
    const postId = 100 + post;
    const posted = new Date(start + post * 3 * 86_400_000 + int(0, 86_399) * 1000);
    const slug = `post-${postId}-${pick(WORDS).replace(/[^a-z]/g, '') || 'x'}`;
    const link = `https://blog.example.org/${posted.getUTCFullYear()}/${slug}/`;
    const body = Array.from({ length: int(3, 8) }, () => `<p>${paragraph()}</p>`).join('\n\n');
    await write(`
\t<item>
\t\t<title><![CDATA[${sentence(3, 9)}]]></title>
\t\t<link>${link}</link>
\t\t<pubDate>${posted.toUTCString().replace('GMT', '+0000')}</pubDate>
\t\t<dc:creator><![CDATA[editor]]></dc:creator>
\t\t<guid isPermaLink="false">https://blog.example.org/?p=${postId}</guid>
\t\t<description></description>
\t\t<content:encoded><![CDATA[${body}]]></content:encoded>
\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>
\t\t<wp:post_id>${postId}</wp:post_id>
\t\t<wp:post_date><![CDATA[${wpDate(posted)}]]></wp:post_date>
\t\t<wp:post_date_gmt><![CDATA[${wpDate(posted)}]]></wp:post_date_gmt>
\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>
\t\t<wp:ping_status><![CDATA[open]]></wp:ping_status>
\t\t<wp:post_name><![CDATA[${slug}]]></wp:post_name>
\t\t<wp:status><![CDATA[publish]]></wp:status>
\t\t<wp:post_parent>0</wp:post_parent>
\t\t<wp:menu_order>0</wp:menu_order>
\t\t<wp:post_type><![CDATA[post]]></wp:post_type>
\t\t<wp:post_password><![CDATA[]]></wp:post_password>
\t\t<wp:is_sticky>0</wp:is_sticky>
\t\t<category domain="category" nicename="news"><![CDATA[News]]></category>
\t\t<wp:postmeta><wp:meta_key><![CDATA[_edit_last]]></wp:meta_key><wp:meta_value><![CDATA[1]]></wp:meta_value></wp:postmeta>
`);
    const idsInPost: number[] = [];
    let when = posted.getTime();
    for (let i = 0; i < perPost[post]!; i++) {
      const id = ++commentId;
      when += int(30, 7_200) * 1000;
      const roll = rand();
      const type = roll < 0.01 ? 'pingback' : roll < 0.015 ? 'trackback' : '';
      const approved = type !== '' ? '1' : pick([...Array(92).fill('1'), ...Array(4).fill('0'), 'spam', 'spam', 'trash']);
      // Replies favour recent comments, as conversations do.
      const replyTo =
        type === '' && idsInPost.length > 0 && rand() < 0.35
          ? idsInPost[Math.max(0, idsInPost.length - 1 - Math.floor(rand() ** 2 * idsInPost.length))]!
          : 0;
      // Replies to trashed comments would be re-pointed by the reader, blurring the expected counts.
      if (approved !== 'trash') idsInPost.push(id);
      if (approved === 'trash') stats.trash++;
      else {
        if (approved === '1') stats.published++;
        else if (approved === '0') stats.pending++;
        else stats.spam++;
        if (type === 'pingback') stats.pingbacks++;
        if (type === 'trackback') stats.trackbacks++;
        if (replyTo !== 0) stats.replies++;
      }
      const first = pick(FIRST_NAMES);
      const last = pick(LAST_NAMES);
      const author = type ? `Some Blog &raquo; ${sentence(2, 5)}` : `${first} ${last}`;
      const url = type ? `https://other.example.com/${id}/` : rand() < 0.3 ? `https://${last.toLowerCase()}.example.net/` : '';
      const content = type ? `[&#8230;] ${sentence(8, 20)} [&#8230;]` : commentBody(rand, pick, paragraph, int);
      const date = new Date(when);
      await write(`\t\t<wp:comment>
\t\t\t<wp:comment_id>${id}</wp:comment_id>
\t\t\t<wp:comment_author><![CDATA[${author}]]></wp:comment_author>
\t\t\t<wp:comment_author_email><![CDATA[${type ? '' : asciiEmail(`${first}.${last}${id % 97}@example.com`)}]]></wp:comment_author_email>
\t\t\t<wp:comment_author_url>${url}</wp:comment_author_url>
\t\t\t<wp:comment_author_IP><![CDATA[${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}]]></wp:comment_author_IP>
\t\t\t<wp:comment_date><![CDATA[${wpDate(new Date(when + 3_600_000))}]]></wp:comment_date>
\t\t\t<wp:comment_date_gmt><![CDATA[${wpDate(date)}]]></wp:comment_date_gmt>
\t\t\t<wp:comment_content><![CDATA[${content}]]></wp:comment_content>
\t\t\t<wp:comment_approved><![CDATA[${approved}]]></wp:comment_approved>
\t\t\t<wp:comment_type><![CDATA[${type}]]></wp:comment_type>
\t\t\t<wp:comment_parent>${replyTo}</wp:comment_parent>
\t\t\t<wp:comment_user_id>0</wp:comment_user_id>
${rand() < 0.3 ? `\t\t\t<wp:commentmeta><wp:meta_key><![CDATA[akismet_result]]></wp:meta_key><wp:meta_value><![CDATA[false]]></wp:meta_value></wp:commentmeta>\n` : ''}\t\t</wp:comment>
`);
    }
    await write('\t</item>\n');
  }
  await write('</channel>\n</rss>\n');
  out.end(pending);
  await once(out, 'finish');
  stats.bytes = (await stat(path)).size;
  return stats;
}

function commentBody(
  rand: () => number,
  pick: <T>(items: readonly T[]) => T,
  paragraph: () => string,
  int: (min: number, max: number) => number,
): string {
  // WordPress stores comments unformatted: newlines, and HTML only where the commenter typed it.
  const paragraphs = Array.from({ length: int(1, 4) }, paragraph);
  if (rand() < 0.15) {
    const i = int(0, paragraphs.length - 1);
    paragraphs[i] = pick([
      `I <strong>really</strong> think ${paragraphs[i]}`,
      `See <a href="https://example.com/${int(1, 999)}" rel="nofollow">this article</a> &amp; ${paragraphs[i]}`,
      `<blockquote>${paragraphs[i]}</blockquote>`,
      `${paragraphs[i]} <em>Thanks</em> &#8212; it&#8217;s a &lt;great&gt; read`,
    ]);
  }
  if (rand() < 0.2) paragraphs.push(`${paragraph()}\n${paragraph()}`);
  return paragraphs.join('\n\n');
}

function asciiEmail(address: string): string {
  return address.normalize('NFD').replace(/[^\x20-\x7e]/g, '').toLowerCase();
}

function wpDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Reads the file with readWordPress and prints throughput and peak resident memory. */
export async function measure(path: string): Promise<void> {
  const { size } = await stat(path);
  let peakRss = process.memoryUsage().rss;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 25);
  const counts = { policy: 0, thread: 0, comment: 0, skip: 0 };
  const started = performance.now();
  for await (const record of readWordPress(path, { includePings: true })) {
    if (++counts[record.type] % 1000 === 0) sample();
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  sample();
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(
    [
      `file: ${path} (${mb(size)} MB)`,
      `records: ${counts.thread} threads, ${counts.comment} comments, ${counts.skip} skipped`,
      `time: ${seconds.toFixed(2)} s (${mb(size / seconds)} MB/s)`,
      `rate: ${Math.round(counts.comment / seconds)} comments/s`,
      `peak RSS: ${mb(peakRss)} MB`,
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      comments: { type: 'string', default: '100000' },
      posts: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      measure: { type: 'boolean', default: false },
    },
  });
  const path = positionals[0];
  if (!path) {
    console.error('usage: generate-wxr.ts OUT.xml [--comments N] [--posts N] [--seed N] | --measure FILE.xml');
    process.exit(2);
  }
  if (values.measure) return measure(path);
  const options = { comments: Number(values.comments), posts: Number(values.posts), seed: Number(values.seed) };
  const started = performance.now();
  const stats = await writeWxr(path, options);
  console.log(`wrote ${path} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify(stats, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
