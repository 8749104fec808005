import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceDefinition } from '../sources/loader.ts';
import { sourceTableDefs } from '../sources/tables.ts';
import { applySources } from './applySources.ts';
import type { FileFilterConfig, LoglakeConfig } from './config.ts';
import { type LiveConfigStore, liveState } from './liveConfig.ts';
import type { Catalog, Ledger, NotificationQueue, ObjectStore, QueryEngine } from './ports.ts';
import { runTableDefs } from './runTables.ts';
import type { SourceStores } from './sourceStores.ts';

/** A wired-up lake: the ports chosen by configuration, plus what every stage shares. */
export interface Lake {
  config: LoglakeConfig;
  sources: SourceDefinition[];
  /** Raw bucket name as notifications name it. */
  rawBucket: string;
  /** loglake's own raw bucket (embedded: the folder the generator and `land` write to). */
  raw: ObjectStore;
  /** Every bucket raw files are read from, read only: the raw bucket and the configured source buckets. */
  sourceStores: SourceStores;
  readready: ObjectStore;
  quarantine: ObjectStore;
  /** Run manifests (embedded: its own folder; AWS: a prefix of the readready bucket). */
  control: ObjectStore;
  catalog: Catalog;
  ledger: Ledger;
  queue: NotificationQueue;
  /** DuckDB, used to write Parquet (and, embedded, to query). */
  duck: DuckDBConnection;
  /** Another connection to the same DuckDB, for work beside `duck` (the transform's lanes); the caller closes it. */
  connectDuck(): Promise<DuckDBConnection>;
  tmpDir: string;
  /** The central file filter, with the recursion guard filled in from the lake's own locations. */
  filter: FileFilterConfig;
  /** The live configuration (filter, extra sources); {@link refreshLiveConfig} applies it to `sources` and `filter`. */
  live: LiveConfigStore;
  /** Catalog location of a raw partition. */
  rawLocation(bucket: string, prefix: string): string;
  openQueryEngine(): Promise<QueryEngine>;
  close(): Promise<void>;
}

/** Creates the database and every source's raw and readready tables (idempotent). */
export async function ensureTables(lake: Lake): Promise<void> {
  const db = lake.config.database;
  await lake.catalog.ensureDatabase(db);
  for (const source of lake.sources) {
    for (const def of sourceTableDefs(source, db, lake.raw.uri(''), (t) => lake.readready.uri(`${t}/`)))
      await lake.catalog.ensureTable(def);
  }
  // The reconciliation tables: JSON lines the transform writes beside its run manifests.
  for (const def of runTableDefs(db, (name) => lake.control.uri(`tables/${name}/`))) {
    await lake.catalog.ensureTable(def);
  }
}

/**
 * Brings the lake's sources and filter up to date with the live configuration (cached for its TTL):
 * the filter is replaced, and the sources switched by {@link applySources}, which creates or
 * updates only the tables that changed. Called before each addapart batch and each transform claim.
 */
export async function refreshLiveConfig(lake: Lake): Promise<void> {
  const next = await liveState(lake);
  if (next === undefined) return;
  await applySources(lake, next.sources);
  next.commit();
}
