import type { Services } from '../services/context.js';

/** Request-scoped values, typed through the app's Variables (no global augmentation). */
export interface AppEnv {
  Variables: {
    requestId: string;
    clientIp: string | null;
    services: Services;
  };
}
