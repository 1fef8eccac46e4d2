import { EventEmitter } from 'node:events';
import type { PublicComment } from './publicComment.js';

export type LiveEventType = 'comment.published' | 'comment.edited' | 'comment.removed';

export interface LiveEvent {
  /** The moderation event behind it: ordered, so a reconnecting reader resumes after it (Last-Event-ID). */
  id: string;
  type: LiveEventType;
  siteId: string;
  threadKey: string;
  commentId: string;
  comment?: PublicComment;
}

/** What changed where, without the comment: enough for a cache to drop what it holds of that thread. */
export type ThreadChange = Pick<LiveEvent, 'type' | 'siteId' | 'threadKey' | 'commentId'>;

/** Fan-out of thread changes to live readers (SSE) and to this instance's caches. */
export interface LiveEvents {
  publish(event: LiveEvent): void;
  /**
   * Set when notices go through NOTIFY on the primary database (pgLiveEvents): a write may then
   * send the notice of what it publishes in its own statement, and does not call publish().
   */
  notifyChannel?: string;
  subscribe(siteId: string, threadKey: string, listener: (e: LiveEvent) => void): () => void;
  /** Every change on every thread, from any instance. */
  onChange(listener: (change: ThreadChange) => void): () => void;
  close(): Promise<void>;
}

/** The in-process half of any LiveEvents: per-thread listeners and change listeners. */
export interface LocalFanOut {
  subscribe: LiveEvents['subscribe'];
  onChange: LiveEvents['onChange'];
  /** Whether any reader of this thread is connected here (else a remote event need not be loaded). */
  hasSubscribers(siteId: string, threadKey: string): boolean;
  emitChange(change: ThreadChange): void;
  emitToThread(event: LiveEvent): void;
  close(): void;
}

export function createLocalFanOut(): LocalFanOut {
  const threads = new EventEmitter();
  threads.setMaxListeners(0);
  const changes = new Set<(change: ThreadChange) => void>();
  const channel = (siteId: string, threadKey: string) => `${siteId}\u0000${threadKey}`;
  return {
    subscribe(siteId, threadKey, listener) {
      const ch = channel(siteId, threadKey);
      threads.on(ch, listener);
      return () => threads.off(ch, listener);
    },
    onChange(listener) {
      changes.add(listener);
      return () => changes.delete(listener);
    },
    hasSubscribers: (siteId, threadKey) => threads.listenerCount(channel(siteId, threadKey)) > 0,
    emitChange(change) {
      for (const listener of changes) listener(change);
    },
    emitToThread(event) {
      threads.emit(channel(event.siteId, event.threadKey), event);
    },
    close() {
      threads.removeAllListeners();
      changes.clear();
    },
  };
}

/** Single-process fan-out: enough for one instance (the PGlite default). */
export function createLocalLiveEvents(): LiveEvents {
  const local = createLocalFanOut();
  return {
    publish(e) {
      local.emitChange(e);
      local.emitToThread(e);
    },
    subscribe: local.subscribe,
    onChange: local.onChange,
    async close() {
      local.close();
    },
  };
}
