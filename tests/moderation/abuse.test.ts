import { describe, expect, it } from 'vitest';
import { abusePhase, undoLeetspeak } from '../../src/moderation/phases/abuse.js';
import { findProfanity } from '../../src/moderation/phases/profanity.js';
import type { PhaseResult } from '../../src/moderation/types.js';
import { flagCodes, makeSettings, runPhase } from './support/factories.js';

const moderate = (body: string) => runPhase(abusePhase, { body });
const status = (result: PhaseResult) => result.decision?.status ?? 'publish';

describe('abuse phase: threats and death wishes are rejected', () => {
  it.each([
    'I know where you live.',
    'I will find you and make you regret this.',
    "I'd slap you if I met you.",
    'People like you should be shot.',
    'The writer of this article should be fired and then shot.',
    'I hope you die slowly.',
    'Hope you choke on your popcorn and die.',
    'Go die in a fire.',
    'kill urself',
    'kys',
    'Someone should burn your house down.',
    'Watch your back.',
    'Gas them all.',
  ])('%s', async (body) => {
    const result = await moderate(body);
    expect(status(result)).toBe('reject');
    expect(flagCodes(result)).toContain('threat');
    expect(result.decision!.reason).toMatch(/Threatens or wishes harm/);
  });
});

describe('abuse phase: harm wished on a third person is held for a person to judge', () => {
  it.each([
    'Someone should shoot the director for this garbage.',
    'Somebody needs to beat him until he stops making films.',
    'I hope he dies.',
    'I hope the director gets hit by a bus.',
    'People should hang that hack.',
  ])('%s', async (body) => {
    const result = await moderate(body);
    expect(status(result)).toBe('hold');
    expect(flagCodes(result)).toContain('threat');
  });

  it.each([
    "Someone should shoot the director's cut in 70mm.",
    'They should shoot the sequel in Prague.',
    'Someone should shoot the director a message about the DVD release.',
    'I hope they make a sequel.',
    'I hope he finds a distributor.',
    'In the film, the guards beat him and leave him in the snow.',
  ])('leaves film talk alone: %s', async (body) => {
    const result = await moderate(body);
    expect(flagCodes(result)).not.toContain('threat');
  });
});

describe('abuse phase: name-calling aimed at people', () => {
  it.each([
    'You are an idiot if you think this is a documentary.',
    "You're a clueless hack.",
    'The reviewer is a pretentious moron.',
    'Whoever wrote this is a total idiot.',
    'What a moron.',
    'Only an imbecile would write a review this bad.',
    'Everyone who liked this film is a brain-dead idiot.',
    'You are the dumbest commenter on this site.',
    'Shut up, nobody asked.',
    "You're too stupid to understand this film.",
    'Moron.',
    'Moron alert! Moron alert!',
    'You are an 1d10t if you think this is a documentary.',
    'You are such a m0ron.',
  ])('holds "%s"', async (body) => {
    const result = await moderate(body);
    expect(status(result)).toBe('hold');
    expect(flagCodes(result)).toContain('insult');
  });

  it.each([
    'You absolute fucking moron.',
    "Lisa you're a brainless twat.",
    'Eat shit, you worthless piece of trash.',
    'Fuck off.',
    'You and your readers are scum.',
    'Go back to your country.',
    'Pathetic. You are a disgrace, you useless idiot.',
  ])('rejects the harshest: "%s"', async (body) => {
    const result = await moderate(body);
    expect(status(result)).toBe('reject');
    expect(flagCodes(result)).toContain('insult');
  });

  it('shows the matched phrase as evidence', async () => {
    const result = await moderate('Honestly, you are a complete moron.');
    expect(result.flags!.find((f) => f.code === 'insult')!.evidence).toEqual({ phrases: ['you are a complete moron'], severity: 'hold' });
  });
});

describe('abuse phase: digits for letters', () => {
  it('reads digits inside words as letters, and leaves numbers alone', async () => {
    expect(undoLeetspeak('you are an 1d10t')).toBe('you are an idiot');
    expect(undoLeetspeak('released in 1987, restored in 2020: 100% worth it')).toBe('released in 1987, restored in 2020: 100% worth it');
    expect(status(await moderate('Released in 1987, restored in 2020; 4K scan, 100% worth it.'))).toBe('publish');
  });
});

describe('abuse phase: heated but civil film talk is published', () => {
  it.each([
    "You're wrong about the pacing, in my view.",
    "Howard, you're being too cynical.",
    'This review is pretentious nonsense, sorry.',
    'In Dumb and Dumber both leads are idiots, and that is the charm.',
    'What an idiot the brother is in the second act.',
    'The dumbest thing about the marketing was the poster.',
    'Her husband is a total jerk in the dinner scene.',
    "Kurosawa's The Idiot is underrated. Have you seen The Idiot?",
    "I'm an idiot, I thought this was the Spielberg film.",
    'The final twenty minutes will kill you. Bring tissues.',
    'Kill Bill Vol. 2 is the better half.',
    'You will regret not seeing this on the big screen!',
    'If I were her I would find them on eBay.',
    'Many Jews in the Soviet Union lost their jobs for applying to emigrate.',
    "In Schindler's List the scene where the guards gas the prisoners is almost unwatchable.",
    'I hope you watch it before you die. It is on every "1001 Movies You Must See Before You Die" list.',
    'I hope you enjoy it as much as I did, even though it is about death and grief.',
    'His parents die in a car crash in the first scene.',
    'Drop Dead Gorgeous is an underrated comedy.',
    "Don't kill yourself trying to find the DVD, it is on Kanopy.",
    'At the end they jump off a bridge together.',
    "I'll find you a copy if you tell me your region.",
    'This film will make you suffer through three hours of speeches.',
    'They put a bullet in his head in the final scene and cut to black.',
    'I loved Shut Up and Sing, the Dixie Chicks documentary.',
    'The documentary handles the Holocaust footage with care.',
  ])('%s', async (body) => {
    expect(status(await moderate(body))).toBe('publish');
  });
});

describe('abuse phase: swearing, slurs and explicit language', () => {
  it('publishes a single swear word with a flag', async () => {
    const result = await moderate('Honestly the ending is shit but the first hour is brilliant.');
    expect(status(result)).toBe('publish');
    expect(result.flags!.find((f) => f.code === 'profanity')!.evidence).toMatchObject({ words: ['shit'], count: 1 });
  });

  it('holds heavy swearing', async () => {
    const result = await moderate('What a shit film, fucking shit from start to finish.');
    expect(status(result)).toBe('hold');
    expect(result.decision!.reason).toMatch(/Heavy swearing: 3 swear words/);
  });

  it('rejects slurs, however they are spelled', async () => {
    for (const body of ['Typical k1ke propaganda.', 'Stupid fags ruining cinema.', 'Another movie for the tr@nnies.']) {
      const result = await moderate(body);
      expect(status(result)).toBe('reject');
      expect(flagCodes(result)).toContain('slur');
    }
  });

  it('holds rather than rejects a slur that only appears in a quotation', async () => {
    const result = await moderate('The bully in the film sneers "you little f@ggot" and the whole cinema went silent. Brutal scene.');
    expect(status(result)).toBe('hold');
    expect(result.decision!.reason).toMatch(/Quotes a slur/);
  });

  it('holds sexually explicit language', async () => {
    const result = await moderate('hot gangbang videos here');
    expect(status(result)).toBe('hold');
    expect(flagCodes(result)).toContain('sexual_content');
  });

  it('does not flag titles, names and plain words for what films depict', async () => {
    for (const body of [
      'Pussy Riot: A Punk Prayer is worth watching.',
      'Dick Tracy and Moby Dick and Dick Van Dyke.',
      'The Rape of Europa is about looted art; the film deals with sex and incest frankly.',
      'Fucking Åmål is a great queer coming-of-age film.',
      "Oliver! is a delight and Ron Moody's Fagin is the best thing in it.",
      'He was a writer-cum-director, graduated magna cum laude, and found the chink in their armour.',
      'Hitchcock, Cassavetes and Scunthorpe walk into a cocktail bar.',
    ]) {
      const result = await moderate(body);
      expect(status(result)).toBe('publish');
      expect(flagCodes(result).filter((c) => c === 'profanity' || c === 'slur' || c === 'sexual_content')).toEqual([]);
    }
  });

  it('flags but publishes words that are titles or reclaimed in some contexts', async () => {
    const result = await moderate('i am not your negro should be required viewing.');
    expect(status(result)).toBe('publish');
    expect(flagCodes(result)).toContain('sensitive_term');
  });

  it('rejects a context-dependent word used alongside abuse', async () => {
    expect(status(await moderate('you stupid dyke, shut up'))).toBe('reject');
  });

  it('finds profanity with obscenity, skipping innocent words that contain it', () => {
    expect(findProfanity('f*ck sh1t Shiitake cockpit').map((h) => [h.word, h.written])).toEqual([
      ['fuck', 'f*ck'],
      ['shit', 'sh1t'],
    ]);
  });
});

describe('abuse phase: quotations', () => {
  it('publishes strong language inside a quoted film line, with a flag', async () => {
    const result = await moderate('The moment Fran says "Shut up and deal" is the best final line in any romantic comedy.');
    expect(status(result)).toBe('publish');
    expect(result.flags!.find((f) => f.code === 'quoted_strong_language')!.evidence).toEqual({ quoted: ['shut up'] });
  });

  it('publishes a quoted threat from a film', async () => {
    const result = await moderate('The villain yells “I will find you and I will kill you” and it is not even the best line.');
    expect(status(result)).toBe('publish');
  });

  it('does not let a bare quotation shield abuse', async () => {
    expect(status(await moderate('"You are an idiot."'))).toBe('hold');
  });
});

describe('abuse phase: shouting and repeated characters', () => {
  it('holds a comment written in capitals', async () => {
    const result = await moderate('STOP PUSHING THIS PROPAGANDA ON US');
    expect(status(result)).toBe('hold');
    expect(result.flags!.find((f) => f.code === 'shouting')!.evidence).toEqual({ uppercaseShare: 1, letters: 29 });
  });

  it('does not call short capitals or titles in capitals shouting', async () => {
    expect(status(await moderate('THIS. Exactly.'))).toBe('publish');
    expect(status(await moderate('I would like to find the film REFUSENIK to show to a group at my Temple.'))).toBe('publish');
    expect(status(await moderate('Это ОЧЕНЬ важный фильм, спасибо'))).toBe('publish');
  });

  it('shortens runs of 8 or more repeated characters but leaves numbers alone', async () => {
    const result = await moderate('Wow!!!!!!!!!!!! Soooooooooo good. It made $100000000.');
    expect(result.body).toBe('Wow!!! Sooo good. It made $100000000.');
    expect(status(result)).toBe('publish');
    expect(result.flags!.find((f) => f.code === 'repeated_characters')!.evidence).toEqual({
      runs: [{ char: '!', length: 12 }, { char: 'o', length: 10 }],
    });
  });
});

describe('abuse phase: settings', () => {
  it('does nothing when the site turned abuse checks off', async () => {
    const settings = makeSettings({ abuse: { enabled: false } });
    expect(await runPhase(abusePhase, { settings, body: 'I know where you live, moron.' })).toEqual({});
  });
});
