import type { AuthorHistory, Ban, ModerationLookups } from '../../../src/moderation/types.js';

/** What the fake world holds; anything left out is empty. */
export interface FakeWorld {
  history?: Partial<AuthorHistory>;
  bans?: Ban[];
  /** Bodies already posted, with when. */
  posted?: { body: string; at: Date }[];
  recentByIp?: number;
  recentByEmail?: number;
}

/** ModerationLookups over plain data, for unit tests and the evaluation script. */
export function inMemoryLookups(world: FakeWorld = {}): ModerationLookups {
  return {
    async authorHistory() {
      return { published: 0, pending: 0, spam: 0, rejected: 0, ...world.history };
    },
    async countSameBody(body, since) {
      return (world.posted ?? []).filter((post) => post.body === body && post.at >= since).length;
    },
    async activeBans() {
      return world.bans ?? [];
    },
    async countRecentByIp() {
      return world.recentByIp ?? 0;
    },
    async countRecentByEmail() {
      return world.recentByEmail ?? 0;
    },
  };
}
