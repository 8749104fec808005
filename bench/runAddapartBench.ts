import { classifyKey } from '../addapart/classify.ts';
import { PartitionCache } from '../addapart/partitionCache.ts';
import { type AddapartDeps, addapartBatch, type InboundMessage } from '../addapart/processBatch.ts';
import type { FileFilterConfig } from '../lake/config.ts';
import { openDuckDB } from '../lake/embedded/duckdbFile.ts';
import { LocalCatalog } from '../lake/embedded/localCatalog.ts';
import { LocalLedger } from '../lake/embedded/localLedger.ts';
import { s3EventBody } from '../lake/embedded/notifyingObjectStore.ts';
import type { Catalog, Ledger } from '../lake/ports.ts';
import { loadSources, type SourceDefinition } from '../sources/loader.ts';
import { CountingCatalog } from './countingCatalog.ts';
import { MemoryLedger } from './memoryLedger.ts';
import type { AddapartResult } from './types.ts';

export interface AddapartBenchOptions {
  /** Raw keys and sizes: every object of the data set, as S3 would notify them. */
  objects: readonly { key: string; size: number }[];
  /** Notifications per batch (default 100, what `loglake addapart` takes per receive). */
  batchSize?: number;
  /** Repeat the whole data set until at least this many notifications went through (default 50,000). */
  minNotifications?: number;
}

const BUCKET = 'raw';
const FILTER: FileFilterConfig = {
  guard: [
    { bucket: 'readready', prefix: '' },
    { bucket: 'quarantine', prefix: '' },
  ],
};

function depsOf(
  sources: SourceDefinition[],
  catalog: Catalog,
  ledger: Ledger,
  cache?: PartitionCache,
): AddapartDeps {
  return {
    sources,
    filter: FILTER,
    catalog,
    ledger,
    database: 'loglake',
    rawLocation: (bucket, prefix) => `s3://${bucket}/${prefix}`,
    cache,
  };
}

function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Distinct raw partitions per table in one batch, computed apart from addapart itself. */
function distinctPerTable(sources: SourceDefinition[], keys: readonly string[]): number[] {
  const byTable = new Map<string, Set<string>>();
  for (const key of keys) {
    const v = classifyKey(sources, FILTER, BUCKET, key);
    if (v.kind !== 'accept') continue;
    const set = byTable.get(v.source.rawTable) ?? new Set<string>();
    set.add([...v.values, v.loc].join('/'));
    byTable.set(v.source.rawTable, set);
  }
  return [...byTable.values()].map((s) => s.size);
}

/**
 * Section f: notifications per second through addapart's core (`addapartBatch`: parse, decode the
 * key, filter, classify, register partitions, record files) with an in-memory counting catalog and
 * ledger, so the figure is the core's own; and catalog writes per 1,000 files, with a warm partition
 * cache across batches (a warm Lambda container) and with a cold one in every batch. Each batch's
 * writes are checked against ⌈distinct partitions/100⌉. The same workload also goes once through the
 * embedded DuckDB catalog and ledger, for comparison.
 */
export async function runAddapartBench(opts: AddapartBenchOptions): Promise<AddapartResult> {
  const { batchSize = 100, minNotifications = 50_000 } = opts;
  const sources = await loadSources([]);
  const messages: InboundMessage[] = opts.objects.map((o, i) => ({
    messageId: `m-${i}`,
    body: s3EventBody(BUCKET, o.key, o.size, undefined),
  }));
  const batches = batchesOf(messages, batchSize);
  const keysOf = batchesOf(
    opts.objects.map((o) => o.key),
    batchSize,
  );

  // Warm cache within a round (one container working through the data set); fresh state per round.
  const rounds = Math.max(1, Math.ceil(minNotifications / Math.max(1, messages.length)));
  let accepted = 0;
  let warmWrites = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    const catalog = new CountingCatalog();
    const deps = depsOf(sources, catalog, new MemoryLedger(), new PartitionCache());
    for (const batch of batches) {
      const outcome = await addapartBatch(deps, batch);
      if (outcome.failures.length > 0)
        throw new Error(`addapart bench: ${outcome.failures[0]?.error.message}`);
      if (r === 0) accepted += outcome.stats.accepted;
    }
    if (r === 0) warmWrites = catalog.writes;
  }
  const elapsedMs = performance.now() - t0;

  // Cold cache in every batch: each batch registers all of its distinct partitions.
  let coldWrites = 0;
  let maxWrites = 0;
  let worstExcess = Number.NEGATIVE_INFINITY;
  let overGlobal = 0;
  for (const [i, batch] of batches.entries()) {
    const catalog = new CountingCatalog();
    const outcome = await addapartBatch(depsOf(sources, catalog, new MemoryLedger()), batch);
    const writes = outcome.stats.catalogWrites;
    const distinct = distinctPerTable(sources, keysOf[i] ?? []);
    const perTableBound = distinct.reduce((n, d) => n + Math.ceil(d / 100), 0);
    const globalBound = Math.ceil(distinct.reduce((n, d) => n + d, 0) / 100);
    coldWrites += writes;
    maxWrites = Math.max(maxWrites, writes);
    worstExcess = Math.max(worstExcess, writes - perTableBound);
    if (writes > globalBound) overGlobal++;
  }

  // The embedded adapters: the local catalog and ledger in an in-memory DuckDB, warm cache.
  const { instance, connection } = await openDuckDB(':memory:');
  let embedded: AddapartResult['embedded'];
  try {
    const catalog = await LocalCatalog.open(connection);
    const deps = depsOf(sources, catalog, await LocalLedger.open(connection), new PartitionCache());
    const e0 = performance.now();
    for (const batch of batches) await addapartBatch(deps, batch);
    const ms = performance.now() - e0;
    embedded = {
      notifications: messages.length,
      elapsedMs: ms,
      notificationsPerSec: messages.length / Math.max(ms / 1000, 1e-9),
      catalogWrites: catalog.writeCalls,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }

  const notifications = messages.length * rounds;
  return {
    batchSize,
    rounds,
    notifications,
    elapsedMs,
    notificationsPerSec: notifications / Math.max(elapsedMs / 1000, 1e-9),
    writesPer1000Files: (warmWrites / Math.max(1, accepted)) * 1000,
    writesPer1000FilesCold: (coldWrites / Math.max(1, accepted)) * 1000,
    batches: batches.length,
    maxWritesPerBatch: maxWrites,
    worstExcessPerTable: batches.length > 0 ? worstExcess : 0,
    batchesOverGlobalBound: overGlobal,
    embedded,
  };
}
