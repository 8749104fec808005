import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Lake } from '../lake/lake.ts';
import { openReviewApp } from './openReviewApp.ts';

/** A running review server. */
export interface ReviewServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the review app of `lake` on Node (`@hono/node-server`), on loopback unless told otherwise.
 * Port 0 picks a free one.
 */
export async function startReviewServer(
  lake: Lake,
  opts: { port?: number; host?: string; now?: () => Date } = {},
): Promise<ReviewServer> {
  const { port = 8787, host = '127.0.0.1' } = opts;
  const review = await openReviewApp(lake, { now: opts.now });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: review.app.fetch, port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${address.port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await review.close();
    },
  };
}
