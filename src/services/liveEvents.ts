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

/** Fan-out of thread changes to live readers (SSE). */
export interface LiveEvents {
  publish(event: LiveEvent): void;
  subscribe(siteId: string, threadKey: string, listener: (e: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

/** Single-process fan-out: enough for one instance (the PGlite default). */
export function createLocalLiveEvents(): LiveEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const channel = (siteId: string, threadKey: string) => `${siteId}\u0000${threadKey}`;
  return {
    publish(e) {
      emitter.emit(channel(e.siteId, e.threadKey), e);
    },
    subscribe(siteId, threadKey, listener) {
      const ch = channel(siteId, threadKey);
      emitter.on(ch, listener);
      return () => emitter.off(ch, listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}
