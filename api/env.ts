import type { Caller } from './auth.ts';

/** What a request learns on its way, for the handlers and the access log. */
export interface Audit {
  actor: string | null;
  target: string | null;
  result: string;
  detail: Record<string, unknown>;
}

/** Hono environment of the review app. */
export interface ReviewEnv {
  Variables: { caller: Caller; audit: Audit };
}
