import type { DuckDBConnection } from '@duckdb/node-api';
import { escapeGlob } from '../duckPaths.ts';
import { DUCK_TYPES } from '../duckTypes.ts';
import type { ColumnDef, TableDef } from '../ports.ts';
import { LOGLAKE_RUN_FILES_COLUMNS, LOGLAKE_RUNS_COLUMNS, type RunRow } from '../runTables.ts';
import { quoteIdent, quoteLiteral } from '../sqlQuote.ts';
import { createViewSql, viewsFor } from '../views.ts';

/**
 * DuckDB has no `json_extract_scalar`; Trino has no `json_extract_string`. The pack writes Trino's
 * name and DuckDB gets it as a macro (for the scalar paths the pack reads, the two agree).
 */
export const DUCKDB_SHIMS: readonly string[] = [
  'CREATE OR REPLACE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)',
];

/** The SELECT of a readready table over an explicit list of local Parquet files (never a folder glob). */
export function parquetSelect(table: TableDef, paths: readonly string[]): string {
  if (paths.length === 0) {
    // No data yet: an empty relation with the contract's columns, so queries still bind.
    const cols = [...table.columns, ...table.partitionKeys].map(
      (c) => `CAST(NULL AS ${DUCK_TYPES[c.type]}) AS ${quoteIdent(c.name)}`,
    );
    return `SELECT ${cols.join(', ')} WHERE false`;
  }
  // Partition keys keep their catalog types (calendarday is a string, as in Glue), not DuckDB's guess.
  const hiveTypes = table.partitionKeys.map(
    (k) => `${quoteIdent(k.name)}: ${quoteLiteral(DUCK_TYPES[k.type])}`,
  );
  const read = (files: readonly string[], extra: string[]) =>
    `read_parquet([${files.map((p) => quoteLiteral(escapeGlob(p))).join(', ')}], hive_partitioning = true, ` +
    `hive_types = {${[...hiveTypes, ...extra].join(', ')}}, union_by_name = true)`;
  // A compacted partition's files sit one folder deeper (`gen=<n>/`), and DuckDB refuses a list whose
  // files have different Hive keys: read the two kinds apart, each still pruned by its partition keys.
  const inGeneration = (p: string) => /\/gen=\d+\//.test(p);
  const plain = paths.filter((p) => !inGeneration(p));
  const compacted = paths.filter(inGeneration);
  const parts = [
    ...(plain.length > 0 ? [`SELECT * FROM ${read(plain, [])}`] : []),
    ...(compacted.length > 0 ? [`SELECT * EXCLUDE (gen) FROM ${read(compacted, ["gen: 'VARCHAR'"])}`] : []),
  ];
  return parts.join(' UNION ALL BY NAME ');
}

/** Creates a table with the given columns and inserts the rows, bound in chunks. */
export async function createRowsTable(
  connection: DuckDBConnection,
  name: string,
  columns: readonly ColumnDef[],
  rows: readonly RunRow[],
): Promise<void> {
  const defs = columns.map((c) => `${quoteIdent(c.name)} ${DUCK_TYPES[c.type]}`).join(', ');
  await connection.run(`CREATE OR REPLACE TABLE ${quoteIdent(name)} (${defs})`);
  const casts = columns.map((c) => `CAST(? AS ${DUCK_TYPES[c.type]})`).join(', ');
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    await connection.run(
      `INSERT INTO ${quoteIdent(name)} VALUES ${part.map(() => `(${casts})`).join(', ')}`,
      part.flatMap((r) => columns.map((c) => r[c.name] ?? null)),
    );
  }
}

/** What {@link createLakeObjects} builds. */
export interface LakeObjects {
  tables: readonly TableDef[];
  /** Local Parquet paths per readready table. */
  paths: ReadonlyMap<string, readonly string[]>;
  runs: readonly RunRow[];
  runFiles: readonly RunRow[];
}

/**
 * Creates the lake's relations in a DuckDB database: one per readready table, the reconciliation
 * tables `loglake_runs` and `loglake_run_files`, the DuckDB shims and the shared views.
 */
export async function createLakeObjects(connection: DuckDBConnection, objects: LakeObjects): Promise<void> {
  for (const t of objects.tables.filter((x) => x.format === 'parquet')) {
    const select = parquetSelect(t, objects.paths.get(t.name) ?? []);
    await connection.run(`CREATE OR REPLACE VIEW ${quoteIdent(t.name)} AS ${select}`);
  }
  await createRunTables(connection, objects.runs, objects.runFiles);
  await createSharedViews(
    connection,
    objects.tables.map((t) => t.name),
  );
}

/** `loglake_runs` and `loglake_run_files`, filled from the run manifests' rows. */
export async function createRunTables(
  connection: DuckDBConnection,
  runs: readonly RunRow[],
  runFiles: readonly RunRow[],
): Promise<void> {
  await createRowsTable(connection, 'loglake_runs', LOGLAKE_RUNS_COLUMNS, runs);
  await createRowsTable(connection, 'loglake_run_files', LOGLAKE_RUN_FILES_COLUMNS, runFiles);
}

/** The DuckDB shims, then every shared view whose tables are among `tableNames`. */
export async function createSharedViews(
  connection: DuckDBConnection,
  tableNames: readonly string[],
): Promise<void> {
  for (const shim of DUCKDB_SHIMS) await connection.run(shim);
  for (const v of viewsFor(tableNames)) await connection.run(createViewSql(v));
}
