import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { SourceDefinition } from '../../sources/loader.ts';
import type { LoglakeConfig } from '../config.ts';
import { ensureTables, type Lake } from '../lake.ts';
import { readPublished } from '../publishedFiles.ts';
import { readOnlyView, SourceStores } from '../sourceStores.ts';
import { openDuckDB } from './duckdbFile.ts';
import { DuckDBQueryEngine } from './duckdbQueryEngine.ts';
import { LocalCatalog } from './localCatalog.ts';
import { LocalLedger } from './localLedger.ts';
import { LocalObjectStore } from './localObjectStore.ts';
import { LocalQueue } from './localQueue.ts';
import { NotifyingObjectStore } from './notifyingObjectStore.ts';

/** Bucket names the embedded lake uses in its S3-shaped notifications. */
export const EMBEDDED_BUCKETS = { raw: 'raw', readready: 'readready', quarantine: 'quarantine' } as const;

/**
 * Opens the embedded lake under `config.embedded.dir`: folders for raw, readready, quarantine and
 * control, a spool folder for notifications, and one DuckDB file for the catalog and the ledger.
 */
export async function openEmbeddedLake(config: LoglakeConfig, sources: SourceDefinition[]): Promise<Lake> {
  const dir = resolve(config.embedded.dir);
  const threads = config.transform.writerThreads || availableParallelism();
  const { instance, connection } = await openDuckDB(join(dir, 'catalog.duckdb'), {
    threads: String(threads),
    memory_limit: '1GB',
  });
  const catalog = await LocalCatalog.open(connection);
  const ledger = await LocalLedger.open(connection);
  const queue = new LocalQueue(join(dir, 'queue'));
  const readready = new LocalObjectStore(join(dir, 'readready'));
  const rawFolder = new LocalObjectStore(join(dir, 'raw'));
  // Extra folders stand in for other accounts' buckets: the same read-only path as on AWS.
  const sourceStores = new SourceStores([
    ...(config.embedded.sourceBuckets.some((b) => b.bucket === EMBEDDED_BUCKETS.raw)
      ? []
      : [{ bucket: EMBEDDED_BUCKETS.raw, store: readOnlyView(rawFolder) }]),
    ...config.embedded.sourceBuckets.map((b) => ({
      bucket: b.bucket,
      sources: b.sources,
      store: readOnlyView(new LocalObjectStore(resolve(b.dir))),
    })),
  ]);
  const lake: Lake = {
    config,
    sources,
    rawBucket: EMBEDDED_BUCKETS.raw,
    raw: new NotifyingObjectStore(rawFolder, queue, EMBEDDED_BUCKETS.raw),
    sourceStores,
    readready,
    quarantine: new LocalObjectStore(join(dir, 'quarantine')),
    control: new LocalObjectStore(join(dir, 'control')),
    catalog,
    ledger,
    queue,
    duck: connection,
    tmpDir: join(dir, 'tmp'),
    filter: {
      ...config.filter,
      guard: [
        { bucket: EMBEDDED_BUCKETS.readready, prefix: '' },
        { bucket: EMBEDDED_BUCKETS.quarantine, prefix: '' },
      ],
      buckets: sourceStores.policy(),
    },
    rawLocation: (bucket, prefix) => (sourceStores.get(bucket)?.store ?? rawFolder).uri(prefix),
    openQueryEngine: async () => {
      const published = await readPublished({
        catalog,
        control: lake.control,
        readready,
        database: config.database,
        // The current definitions: applySources may have swapped them since the lake opened.
        sources: lake.sources,
      });
      const paths = new Map(
        [...published.files].map(([table, files]) => [table, files.map((f) => readready.uri(f.key))]),
      );
      return DuckDBQueryEngine.open(
        { ...published, paths },
        { threads, tempDirectory: join(dir, 'tmp', 'query') },
      );
    },
    close: async () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
  await ensureTables(lake);
  return lake;
}
