import { assertPrecedence, type SourceDefinition } from '../sources/loader.ts';
import { sourceTableDefs } from '../sources/tables.ts';
import type { Lake } from './lake.ts';
import type { TableDef } from './ports.ts';

/** What {@link applySources} changed in the catalog. */
export interface SourcesChange {
  /** Tables created or updated (`database.table`). */
  ensured: string[];
  /** Sources no longer defined: their tables and data are kept, never dropped. */
  removed: string[];
}

function tablesOf(lake: Lake, source: SourceDefinition): TableDef[] {
  const db = lake.config.database;
  return sourceTableDefs(source, db, lake.raw.uri(''), (t) => lake.readready.uri(`${t}/`));
}

/**
 * Switches a running lake to a new set of source definitions (the live configuration changed):
 * checks precedence, creates or updates in the catalog every raw and readready table that is new
 * or whose definition changed (Glue `CreateTable`, else `UpdateTable`), then swaps `lake.sources`,
 * so the next batch of addapart and transform uses them. No deploy, no restart. Unchanged tables
 * cost no catalog call. Tables of a source that disappeared are left in place: data is never
 * dropped by a configuration change.
 */
export async function applySources(lake: Lake, sources: SourceDefinition[]): Promise<SourcesChange> {
  assertPrecedence(sources);
  const before = new Map<string, string>();
  for (const s of lake.sources) for (const t of tablesOf(lake, s)) before.set(t.name, JSON.stringify(t));
  const ensured: string[] = [];
  await lake.catalog.ensureDatabase(lake.config.database);
  for (const s of sources) {
    for (const t of tablesOf(lake, s)) {
      if (before.get(t.name) === JSON.stringify(t)) continue;
      await lake.catalog.ensureTable(t);
      ensured.push(`${t.database}.${t.name}`);
    }
  }
  const names = new Set(sources.map((s) => s.name));
  const removed = lake.sources.filter((s) => !names.has(s.name)).map((s) => s.name);
  lake.sources = sources;
  return { ensured, removed };
}
