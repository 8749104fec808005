import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * One lane's work: lane `index` of `lanes`, on its own connection; it stops taking chunks once
 * `stop()` says so.
 */
export type Lane = (
  duck: DuckDBConnection,
  index: number,
  lanes: number,
  stop: () => boolean,
) => Promise<void>;

/**
 * Runs `lanes` lanes side by side: the first on `ctx.duck`, each other on a connection of its own
 * (closed after it). Once one lane fails the others stop after the chunk in hand, and the first
 * failure is thrown only when every lane has stopped, so nothing still runs while the caller
 * cleans up.
 */
export async function inLanes(
  ctx: { duck: DuckDBConnection; connectDuck?(): Promise<DuckDBConnection> },
  lanes: number,
  lane: Lane,
): Promise<void> {
  let failed = false;
  const run = async (index: number) => {
    const duck = index === 0 || ctx.connectDuck === undefined ? ctx.duck : await ctx.connectDuck();
    try {
      await lane(duck, index, lanes, () => failed);
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      if (duck !== ctx.duck) duck.closeSync();
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, lanes) }, (_, i) => run(i)));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
}
