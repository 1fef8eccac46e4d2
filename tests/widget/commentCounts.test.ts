import { describe, expect, it } from 'vitest';
import { countRequestUrls, formatCommentCount } from '../../src/widget/commentCounts.js';

describe('formatCommentCount', () => {
  it('reads naturally for 0, 1 and many', () => {
    expect(formatCommentCount(0)).toBe('No comments yet');
    expect(formatCommentCount(1)).toBe('1 comment');
    expect(formatCommentCount(3)).toBe('3 comments');
  });

  it('follows a site format of zero|one|many', () => {
    const format = 'Be the first|One response|{n} responses';
    expect([0, 1, 12].map((n) => formatCommentCount(n, format))).toEqual(['Be the first', 'One response', '12 responses']);
  });

  it('takes one|many (zero uses many) or a single form for every count', () => {
    expect([0, 1, 2].map((n) => formatCommentCount(n, '{n} reply|{n} replies'))).toEqual(['0 replies', '1 reply', '2 replies']);
    expect(formatCommentCount(5, 'Comments ({n})')).toBe('Comments (5)');
  });
});

describe('countRequestUrls', () => {
  const api = 'https://comments.example.com';

  it('asks once per site for all its threads, without duplicates', () => {
    const requests = countRequestUrls(api, [
      { site: 'altfilmguide', thread: 'a' },
      { site: 'altfilmguide', thread: 'b' },
      { site: 'altfilmguide', thread: 'a' },
      { site: 'other', thread: '/x y' },
    ]);
    expect(requests.map((r) => r.url)).toEqual([
      'https://comments.example.com/api/v1/counts?site=altfilmguide&thread=a&thread=b',
      'https://comments.example.com/api/v1/counts?site=other&thread=%2Fx+y',
    ]);
  });

  it('splits more than 100 threads into batches of 100', () => {
    const wanted = Array.from({ length: 250 }, (_, i) => ({ site: 's', thread: `t${i}` }));
    const requests = countRequestUrls(api, wanted);
    expect(requests.map((r) => r.threads.length)).toEqual([100, 100, 50]);
    expect(new URL(requests[2]!.url).searchParams.getAll('thread')[0]).toBe('t200');
  });
});
