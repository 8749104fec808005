import { drainQueue } from '../../addapart/drainQueue.ts';
import { generationOfLocation } from '../../compact/index.ts';
import { literalFilePath } from '../../lake/duckPaths.ts';
import { listGeneration } from '../../lake/generations.ts';
import type { Lake } from '../../lake/lake.ts';
import type { Catalog } from '../../lake/ports.ts';
import type { RunManifest } from '../../lake/runManifest.ts';
import { transformContext } from '../../transform/runTransform.ts';
import { transformBatch } from '../../transform/transformBatch.ts';
import { ctFile, ctKey, ctRecord } from '../helpers/cloudtrailFiles.ts';

export const CT = 'from_cloudtrail_readready';
export const DAY = '2026-11-01';
const NAMES = ['ListBuckets', 'GetObject', 'AssumeRole', 'DescribeInstances', 'PutObject'];
const SERVICES = ['s3.amazonaws.com', 'sts.amazonaws.com', 'ec2.amazonaws.com'];
let serial = 0;

/** Lands one CloudTrail file of `records` events on {@link DAY} and registers it (addapart). */
export async function landCloudTrail(lake: Lake, records: number): Promise<void> {
  const n = ++serial;
  const events = Array.from({ length: records }, (_, i) =>
    ctRecord({
      eventName: NAMES[(n * 7 + i) % NAMES.length],
      eventSource: SERVICES[(n + i) % SERVICES.length],
      eventTime: `2026-11-01T${String((n + i) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`,
    }),
  );
  await lake.raw.put(ctKey(`F${String(n).padStart(15, '0')}`), ctFile(events));
  await drainQueue(lake);
}

/** Transforms what is landed, as one batch, with the catalog given (default the lake's). */
export async function transformLanded(lake: Lake, catalog: Catalog = lake.catalog): Promise<RunManifest> {
  const claim = await lake.ledger.claim({ maxFiles: 100, maxBytes: 1e9 });
  if (claim === undefined) throw new Error('nothing landed');
  const manifest = await transformBatch({ ...transformContext(lake), catalog }, claim);
  await lake.ledger.complete(claim.batchId);
  return manifest;
}

/** Lands and transforms one file of `records` events: one more small Parquet file in the partition. */
export async function publishFile(lake: Lake, records: number, catalog?: Catalog): Promise<RunManifest> {
  await landCloudTrail(lake, records);
  return transformLanded(lake, catalog);
}

/** The partition's files as the catalog publishes them: its current generation's Parquet. */
export async function catalogFiles(lake: Lake, table = CT, day = DAY): Promise<string[]> {
  const parts = await lake.catalog.listPartitions(lake.config.database, table);
  const p = parts.find((x) => x.values[0] === day);
  if (p === undefined) return [];
  const gen = generationOfLocation(lake.readready, table, day, p.location);
  return (await listGeneration(lake.readready, gen)).map((o) => o.key);
}

/** Rows and distinct event ids over the catalog's files of the partition. */
export async function partitionCounts(lake: Lake, table = CT, day = DAY) {
  const keys = await catalogFiles(lake, table, day);
  const list = keys.map((k) => literalFilePath(lake.readready.uri(k))).join(', ');
  const reader = await lake.duck.runAndReadAll(
    `SELECT count(*)::INTEGER, count(DISTINCT eventid)::INTEGER FROM read_parquet([${list}], hive_partitioning = false)`,
  );
  const [rows, distinct] = reader.getRows()[0]!.map(Number);
  return { files: keys.length, rows: rows!, distinct: distinct! };
}

/** The catalog with some methods replaced; the rest delegate to it (its private fields intact). */
export function overriding(catalog: Catalog, over: Partial<Catalog>): Catalog {
  return new Proxy(catalog, {
    get(target, prop, _receiver) {
      const own = (over as Record<string | symbol, unknown>)[prop];
      if (own !== undefined) return own;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** Rows of a readready table through the lake's own query engine (what auditors see). */
export async function engineRows(lake: Lake, table = CT): Promise<number> {
  const engine = await lake.openQueryEngine();
  try {
    const r = await engine.query(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT eventid)::INTEGER AS d FROM ${table}`,
    );
    const { n, d } = r.rows[0] as { n: number; d: number };
    if (n !== d) throw new Error(`${n} rows but ${d} distinct event ids`);
    return n;
  } finally {
    await engine.close();
  }
}
