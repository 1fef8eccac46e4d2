import { describe, expect, it } from 'vitest';
import { HOLD_SCORE, SPAM_SCORE, spamSignalsPhase } from '../../src/moderation/phases/spamSignals.js';
import { makeSubmission, runPhase } from './support/factories.js';
import { moderateComment } from './support/moderate.js';

const signalNames = (evidence: unknown) => (evidence as { signals: { signal: string }[] }).signals.map((s) => s.signal);

describe('spam signals phase', () => {
  it('marks generic praise from a keyword name with a commercial website as spam', async () => {
    const { record } = await moderateComment({
      body: 'Great post! Thanks for sharing such useful information. Keep it up.',
      author: { name: 'Best SEO Services Delhi', website: 'https://top-seo-agency-delhi.in' },
    });
    expect(record.decision).toBe('spam');
    expect(record.decidedBy).toBe('spamSignals');
    const flag = record.flags.find((f) => f.code === 'spam_signals')!;
    expect(flag.evidence).toMatchObject({ holdAt: HOLD_SCORE, spamAt: SPAM_SCORE });
    expect((flag.evidence as { score: number }).score).toBeGreaterThanOrEqual(SPAM_SCORE);
    expect(signalNames(flag.evidence)).toEqual(expect.arrayContaining(['generic_praise', 'keyword_author_name', 'website_commercial_domain', 'generic_praise_with_link']));
  });

  it.each([
    ['a recovery scam', 'I lost $48,000 to a fake crypto investment until a recovery expert got it back. Contact him on WhatsApp +1 502 555 0187'],
    ['a piracy site', 'Watch Refusenik (2007) Full Movie Online Free HD 1080p >>> https://hdmovies-stream.site/refusenik'],
    ['work-from-home money', "I'm making $90 an hour working from home. Everybody must try this job now: www.homeprofit-online.net"],
    ['SEO outreach', 'Hello admin, your site is not ranking on Google. I can fix your SEO. Email me for a free audit.'],
    ['a bare link', 'https://www.crypto-doubler.io'],
    ['an obfuscated link', 'Want all the classic films free? Go to classicflix [dot] xyz no ads'],
  ])('does not publish %s', async (_name, body) => {
    const { record } = await moderateComment({ body, author: { name: 'Linda Morgan' } });
    expect(['spam', 'hold']).toContain(record.decision);
  });

  it('holds self-promotion that is not quite a sales pitch', async () => {
    const { record } = await moderateComment({
      body: 'Really enjoyed this! I made a video essay about Soviet cinema, would love if you guys checked it out and subscribed: https://youtu.be/abc123XYZ',
      author: { name: 'Cinema Deep Dives' },
    });
    expect(record.decision).toBe('hold');
    expect(record.reason).toMatch(/Looks like spam or self-promotion \(score \d/);
  });

  it.each([
    ['a question about buying the DVD', 'Where can I buy the DVD in the UK? Amazon only lists a region 1 version.'],
    ['a price and a link', 'I found a used DVD on eBay for about $12: https://www.ebay.com/itm/12345 Check the region code though.'],
    ['a free legal stream', 'If your public library has Kanopy you can watch it for free. Check it out!'],
    ['short thanks', 'Great interview, thanks!'],
    ['praise without anything to sell', 'Very informative interview, I learned a lot.'],
    ['a film blogger with a website', 'I wrote about the film on my own blog years ago and still think it is the best introduction to the subject.'],
  ])('publishes %s', async (_name, body) => {
    const { record } = await moderateComment({ body, author: { name: 'Megan Hart', website: 'https://megansfilmnotebook.wordpress.com' } });
    expect(record.decision).toBe('publish');
  });

  it.each([
    'Casino (1995) is Scorsese at his most operatic; Sharon Stone was robbed.',
    'The cryptic ending of Caché still divides people.',
    'Da 5 Bloods deserved more awards attention.',
    'You can watch the full film on the Internet Archive: https://archive.org/details/refusenik',
    'The Criterion Channel is $10.99 a month and has the whole series: https://www.criterionchannel.com',
    'Call me old-fashioned, but the hacker in WarGames is still the best screen hacker.',
    'Double Indemnity is the great insurance fraud film, and the bank loans in It\'s a Wonderful Life are its mirror image.',
    'The 1080p transfer on the Blu-ray is gorgeous, though it only fits a 90-minute class slot if you skip the extras.',
    'Le film est disponible en ligne sur arte.tv jusqu\'à la fin du mois.',
    'The film shows the consolidation of power after 1968 better than any book.',
    'Korean cinema fans: Seo Ye-ji is wonderful in It\'s Okay to Not Be Okay.',
  ])('publishes film talk that shares words with spam: %s', async (body) => {
    const { record } = await moderateComment({ body });
    expect(record.decision).toBe('publish');
  });

  it('lets a missing form token tip a borderline comment into hold, and nothing more', async () => {
    const borderline = { body: 'Nice post, thanks for sharing!', author: { website: 'https://blog.example.org' } };
    const withToken = await moderateComment(borderline);
    const withoutToken = await moderateComment({ ...borderline, formToken: null });
    const plainWithoutToken = await moderateComment({ body: 'The Jackson-Vanik section is gripping.', formToken: null });
    expect(withToken.record.decision).toBe('publish');
    expect(withoutToken.record.decision).toBe('hold');
    expect(signalNames(withoutToken.record.flags.find((f) => f.code === 'spam_signals')!.evidence)).toContain('no_form_token');
    expect(plainWithoutToken.record.decision).toBe('publish');
  });

  it('reads removed links from the links flag', async () => {
    const submission = makeSubmission({ body: 'Visit [link removed] [link removed] [link removed]' });
    const flags = [{ code: 'links_removed', reason: 'r', evidence: { removed: ['a.ru', 'b.ru', 'c.ru'], hosts: ['a.ru', 'b.ru', 'c.ru'], count: 3, obfuscated: 0 } }];
    const result = await runPhase(spamSignalsPhase, { submission, flags });
    expect(result.decision?.status).toBe('spam');
    expect(signalNames(result.flags![0]!.evidence)).toEqual(expect.arrayContaining(['links', 'mostly_a_link', 'link_cheap_zone']));
  });

  it('stays silent when there is nothing to report', async () => {
    expect(await runPhase(spamSignalsPhase, { body: 'The Jackson-Vanik section is surprisingly gripping.' })).toEqual({});
  });
});
