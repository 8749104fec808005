import type { SourceDefinition } from '../sources/loader.ts';
import { partitionKey } from './distinctPartitions.ts';
import type { Catalog, ObjectStore, PartitionSpec, TableDef } from './ports.ts';
import { publishedGenerationFiles } from './publishedGeneration.ts';
import type { RunManifest } from './runManifest.ts';
import { type RunRow, runTableRows } from './runTables.ts';

/** One readready object that a finished run published into a registered partition. */
export interface PublishedFile {
  key: string;
  calendarday: string;
}

/** What readers may see: the readready tables, their published files, and the run tables' rows. */
export interface PublishedLake {
  tables: TableDef[];
  /** Published files per readready table name, in key order. */
  files: Map<string, PublishedFile[]>;
  runs: RunRow[];
  runFiles: RunRow[];
}

/** The ports {@link readPublished} reads. */
export interface PublishedSource {
  catalog: Catalog;
  control: ObjectStore;
  /**
   * The readready store: a compacted partition's files are listed in its current generation, and
   * the objects of append-only tables (`loglake.layer` = `append-only`, e.g. session review's
   * decisions and access log), which no run manifest lists, are published from it.
   */
  readready: ObjectStore;
  database: string;
  sources: readonly SourceDefinition[];
}

/** Table parameter value of tables whose every complete object is published as soon as it is put. */
export const APPEND_ONLY_LAYER = 'append-only';

/**
 * Reads what the catalog has published. A run writes its Parquet, registers the partitions and only
 * then writes its run manifest, so a file is published when a run manifest lists it among its
 * outputs **and** its partition is registered. Objects of a run that died before its manifest (a
 * `kill -9` during publish), stale `.tmp` files and anything else in the folders stay invisible
 * until a run publishes them.
 */
export async function readPublished(src: PublishedSource): Promise<PublishedLake> {
  const tables = (await src.catalog.listTables(src.database)).filter((t) => t.format === 'parquet');
  const registered = new Map<string, Set<string>>();
  const partitions = new Map<string, PartitionSpec[]>();
  for (const t of tables) {
    const parts = await src.catalog.listPartitions(src.database, t.name);
    partitions.set(t.name, parts);
    registered.set(t.name, new Set(parts.map((p) => partitionKey(p.values))));
  }
  const byTable = new Map<string, Map<string, PublishedFile>>(tables.map((t) => [t.name, new Map()]));
  const runs: RunRow[] = [];
  const runFiles: RunRow[] = [];
  const keys: string[] = [];
  for await (const o of src.control.list('runs/')) if (o.key.endsWith('.json')) keys.push(o.key);
  keys.sort();
  for (const key of keys) {
    const manifest = JSON.parse(Buffer.from(await src.control.get(key)).toString('utf8')) as RunManifest;
    const rows = runTableRows(manifest, key, src.sources);
    runs.push(rows.run);
    runFiles.push(...rows.files);
    for (const o of manifest.outputs) {
      const files = byTable.get(o.table);
      if (files && registered.get(o.table)?.has(partitionKey([o.calendarday]))) {
        // A re-run of a batch lists the same keys again: they were overwritten, not added.
        files.set(o.key, { key: o.key, calendarday: o.calendarday });
      }
    }
  }
  // An append-only table is written one whole object per append (PUTs are atomic, and local writes
  // go to a `.tmp` name first), so every `.parquet` object in a registered partition is complete.
  for (const t of tables.filter((x) => x.parameters?.['loglake.layer'] === APPEND_ONLY_LAYER)) {
    const files = byTable.get(t.name)!;
    for await (const o of src.readready.list(`${t.name}/`)) {
      const day = /\/calendarday=(\d{4}-\d{2}-\d{2})\/[^/]+\.parquet$/.exec(o.key)?.[1];
      if (day !== undefined && registered.get(t.name)?.has(partitionKey([day])))
        files.set(o.key, { key: o.key, calendarday: day });
    }
  }
  // A compacted partition (catalog location `gen=<n>/`, DESIGN §9) publishes its generation's files.
  for (const [table, parts] of partitions) {
    const files = byTable.get(table)!;
    for (const p of parts) {
      const day = p.values[0] ?? '';
      const ofDay = [...files.values()].filter((f) => f.calendarday === day);
      const runNames = new Set(ofDay.map((f) => f.key.slice(f.key.lastIndexOf('/') + 1)));
      const keys = await publishedGenerationFiles(src.readready, table, day, p.location, runNames);
      if (keys === undefined) continue;
      for (const f of ofDay) files.delete(f.key);
      for (const key of keys) files.set(key, { key, calendarday: day });
    }
  }
  const files = new Map<string, PublishedFile[]>();
  for (const [table, m] of byTable)
    files.set(
      table,
      [...m.values()].sort((a, b) => a.key.localeCompare(b.key)),
    );
  return { tables, files, runs, runFiles };
}
