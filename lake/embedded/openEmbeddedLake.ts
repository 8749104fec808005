import { join, resolve } from 'node:path';
import type { SourceDefinition } from '../../sources/loader.ts';
import type { LoglakeConfig } from '../config.ts';
import { queryThreads, transformThreads } from '../duckThreads.ts';
import { ensureTables, type Lake, refreshLiveConfig } from '../lake.ts';
import { LIVE_CONFIG_KEY, LiveConfigStore } from '../liveConfig.ts';
import { readPublished } from '../publishedFiles.ts';
import { readOnlyView, SourceStores } from '../sourceStores.ts';
import { CatalogFile, heldPerCall } from './catalogFile.ts';
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
 * control, a spool folder for notifications, and one DuckDB file for the catalog and the ledger,
 * held only for each catalog or ledger operation ({@link CatalogFile}), so a running transform
 * never locks out `land`, `addapart` or `query` in another process.
 */
export async function openEmbeddedLake(
  config: LoglakeConfig,
  sources: SourceDefinition[],
  opts: { onCatalogWait?: (message: string) => void } = {},
): Promise<Lake> {
  const dir = resolve(config.embedded.dir);
  // Transform and queries run on an in-memory DuckDB; the catalog file is held per operation only.
  const { instance, connection } = await openDuckDB(':memory:', {
    threads: String(transformThreads(config)),
    memory_limit: '1GB',
    temp_directory: join(dir, 'tmp', 'duckdb'),
  });
  const file = await CatalogFile.open(instance, join(dir, 'catalog.duckdb'), { onWait: opts.onCatalogWait });
  const catalog = heldPerCall(await file.use(() => LocalCatalog.open(file.connection)), file);
  const ledger = heldPerCall(
    await file.use(() => LocalLedger.open(file.connection, { maxAttempts: config.transform.maxAttempts })),
    file,
  );
  const queue = new LocalQueue(join(dir, 'queue'));
  const readready = new LocalObjectStore(join(dir, 'readready'));
  const control = new LocalObjectStore(join(dir, 'control'));
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
    control,
    catalog,
    ledger,
    queue,
    duck: connection,
    connectDuck: () => instance.connect(),
    tmpDir: join(dir, 'tmp'),
    filter: {
      ...config.filter,
      guard: [
        { bucket: EMBEDDED_BUCKETS.readready, prefix: '' },
        { bucket: EMBEDDED_BUCKETS.quarantine, prefix: '' },
      ],
      buckets: sourceStores.policy(),
    },
    live: new LiveConfigStore(
      control,
      LIVE_CONFIG_KEY,
      { sources, filter: config.filter },
      {
        ttlSeconds: config.liveConfig.ttlSeconds,
      },
    ),
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
        { threads: queryThreads(config), tempDirectory: join(dir, 'tmp', 'query') },
      );
    },
    close: async () => {
      file.connection.closeSync();
      connection.closeSync();
      instance.closeSync();
    },
  };
  await ensureTables(lake);
  await refreshLiveConfig(lake);
  return lake;
}
