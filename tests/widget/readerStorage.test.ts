import { beforeEach, describe, expect, it } from 'vitest';
import {
  createOwnComments,
  loadProfile,
  ownCommentsKey,
  PENDING_TTL_MS,
  saveProfile,
  type StorageLike,
} from '../../src/widget/readerStorage.js';
import type { PostResult } from '../../src/widget/types.js';
import { aComment } from './factories.js';

class MemoryStorage implements StorageLike {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

const MINUTE = 60_000;
const START = Date.parse('2024-06-15T12:00:00Z');

describe('own comments', () => {
  let storage: MemoryStorage;
  let now: number;
  const key = ownCommentsKey('altfilmguide', '/refusenik-qa');
  const own = () => createOwnComments(storage, key, () => now);
  const post = (status: PostResult['status'], id = 'c1', windowMinutes = 15): PostResult => ({
    status,
    comment: aComment({ id }),
    editToken: `token-${id}`,
    editableUntil: new Date(now + windowMinutes * MINUTE).toISOString(),
  });

  beforeEach(() => {
    storage = new MemoryStorage();
    now = START;
  });

  it('keys records per site and thread', () => {
    own().remember(post('published'));
    expect([...storage.data.keys()]).toEqual(['parley:own:altfilmguide:/refusenik-qa']);
    expect(createOwnComments(storage, ownCommentsKey('altfilmguide', '/other'), () => now).isOwn('c1')).toBe(false);
  });

  it('gives the edit token only while the edit window is open', () => {
    own().remember(post('published', 'c1', 15));
    now += 14 * MINUTE;
    expect(own().editToken('c1')).toBe('token-c1');
    now += 2 * MINUTE;
    expect(own().editToken('c1')).toBeNull();
  });

  it('forgets a published comment once its edit window has closed', () => {
    own().remember(post('published'));
    now += 16 * MINUTE;
    expect(own().isOwn('c1')).toBe(false);
    expect(storage.data.size).toBe(0);
  });

  it('keeps a pending comment for its author for 7 days, past the edit window', () => {
    own().remember(post('pending'));
    now += 3 * 24 * 60 * MINUTE;
    expect(own().pendingComments().map((c) => c.id)).toEqual(['c1']);
    expect(own().isPending('c1')).toBe(true);
    expect(own().editToken('c1')).toBeNull();
    now = START + PENDING_TTL_MS + 1;
    expect(own().pendingComments()).toEqual([]);
    expect(storage.data.size).toBe(0);
  });

  it('drops the pending copy when the comment shows up published, keeping the edit token', () => {
    own().remember(post('pending'));
    own().published('c1');
    expect(own().pendingComments()).toEqual([]);
    expect(own().editToken('c1')).toBe('token-c1');
  });

  it('does not duplicate a comment remembered twice (a retried POST response)', () => {
    own().remember(post('pending'));
    own().remember(post('published'));
    const stored = JSON.parse(storage.getItem(key)!) as unknown[];
    expect(stored).toHaveLength(1);
    expect(own().isPending('c1')).toBe(false);
  });

  it('records an edit that sent the comment back to moderation, restarting the 7 days', () => {
    own().remember(post('published'));
    now += 5 * MINUTE;
    const edited = aComment({ id: 'c1', body: 'edited' });
    own().edited('c1', 'pending', edited);
    expect(own().pendingComments()).toEqual([edited]);
    now += PENDING_TTL_MS - 1;
    expect(own().isPending('c1')).toBe(true);
  });

  it('stops offering edits when the server says the window closed, but keeps the pending copy', () => {
    own().remember(post('pending'));
    own().editWindowClosed('c1');
    expect(own().editToken('c1')).toBeNull();
    expect(own().isPending('c1')).toBe(true);
  });

  it('forgets a deleted comment', () => {
    own().remember(post('published', 'c1'));
    own().remember(post('published', 'c2'));
    own().forget('c1');
    expect(own().isOwn('c1')).toBe(false);
    expect(own().isOwn('c2')).toBe(true);
  });

  it('survives garbage in storage', () => {
    storage.setItem(key, '{not json');
    expect(own().pendingComments()).toEqual([]);
    storage.setItem(key, JSON.stringify({ not: 'an array' }));
    expect(own().isOwn('x')).toBe(false);
    storage.setItem(key, JSON.stringify([null, 3, { id: 'c9', editToken: 't', editableUntil: new Date(now + MINUTE).toISOString(), pending: null, savedAt: now }]));
    expect(own().editToken('c9')).toBe('t');
  });

  it('keeps working when storage refuses to write (quota, privacy mode)', () => {
    const full: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    expect(() => createOwnComments(full, key, () => now).remember(post('pending'))).not.toThrow();
  });
});

describe('author profile', () => {
  it('round-trips name, email and website', () => {
    const storage = new MemoryStorage();
    expect(loadProfile(storage)).toEqual({ name: '', email: '', website: '' });
    saveProfile(storage, { name: 'Sondra Snyder', email: 'sondra@example.com', website: '' });
    expect(loadProfile(storage)).toEqual({ name: 'Sondra Snyder', email: 'sondra@example.com', website: '' });
  });

  it('ignores non-string values someone else stored under the key', () => {
    const storage = new MemoryStorage();
    storage.setItem('parley:author', JSON.stringify({ name: 42, email: 'a@b.co' }));
    expect(loadProfile(storage)).toEqual({ name: '', email: 'a@b.co', website: '' });
  });
});
