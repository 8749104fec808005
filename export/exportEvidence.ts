import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  createRunTables,
  createSharedViews,
  DUCKDB_SHIMS,
  parquetSelect,
} from '../lake/embedded/lakeObjects.ts';
import { LoglakeError } from '../lake/errors.ts';
import type { Lake } from '../lake/lake.ts';
import { parquetOptions } from '../lake/parquetOptions.ts';
import { readPublished } from '../lake/publishedFiles.ts';
import { quoteIdent, quoteLiteral } from '../lake/sqlQuote.ts';
import { createViewSql, viewsFor } from '../lake/views.ts';
import { loglakeVersion } from './loglakeVersion.ts';
import { type ExportSelection, type SelectionQuery, selectionQuery, sourceName } from './selection.ts';

/** A failed export; nothing is left at the output path. */
export class ExportError extends LoglakeError {}

export interface ExportOptions extends ExportSelection {
  /** `<file>.duckdb`: one DuckDB database. Anything else: a folder of Parquet files and `views.sql`. */
  out: string;
  /** Clock of the manifest's `exportedAt`; tests fix it. */
  now?: () => Date;
}

/** The manifest written beside an export: what was selected, how, and the digest of every file. */
export interface ExportManifest {
  loglakeVersion: string;
  exportedAt: string;
  lake: string;
  selection: ExportSelection;
  /** The statement (and bound values) that selected each table's rows. */
  queries: Record<string, SelectionQuery>;
  /** Rows per exported table. */
  rowCounts: Record<string, number>;
  views: string[];
  /** The readready objects the rows were read from (each row's raw origin is its `source_key`). */
  readreadyFiles: { key: string; bytes: number; sha256: string }[];
  /** Every file of the export but this manifest. */
  files: { path: string; bytes: number; sha256: string }[];
}

async function sha256(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return { bytes: (await stat(path)).size, sha256: hash.digest('hex') };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Writes the selected readready rows, the reconciliation tables and the shared views to a DuckDB
 * file (or a Parquet folder with a `views.sql`) that opens in a fresh DuckDB with the same tables
 * and views, plus `manifest.json`. It reads only what the catalog has published; on AWS the
 * readready objects of the day range are fetched from S3 to scratch first. The export is built
 * beside its destination and renamed into place, and an existing destination is never overwritten.
 */
export async function exportEvidence(lake: Lake, opts: ExportOptions): Promise<ExportManifest> {
  const { now = () => new Date() } = opts;
  const sel: ExportSelection = {
    from: opts.from,
    to: opts.to,
    sessions: [...(opts.sessions ?? [])],
    principals: [...(opts.principals ?? [])],
  };
  if (!DAY.test(sel.from) || !DAY.test(sel.to) || sel.from > sel.to) {
    throw new ExportError(
      `--from and --to must be days YYYY-MM-DD with from <= to, got ${sel.from}..${sel.to}`,
      {
        from: sel.from,
        to: sel.to,
      },
    );
  }
  const out = resolve(opts.out);
  const asDatabase = out.endsWith('.duckdb');
  if (
    await stat(out).then(
      () => true,
      () => false,
    )
  ) {
    throw new ExportError(`export destination exists, not overwriting evidence: ${out}`, { out });
  }
  await mkdir(dirname(out), { recursive: true });
  // loglake names the staging file: DuckDB mistakes a `?` in its own database path (the WAL's name).
  const staging = join(dirname(out), `.loglake-export-${randomUUID()}.partial`);
  const scratch = join(lake.tmpDir, `export-${randomUUID()}`);
  try {
    const published = await readPublished({
      catalog: lake.catalog,
      control: lake.control,
      readready: lake.readready,
      database: lake.config.database,
      sources: lake.sources,
    });
    const readreadyFiles: ExportManifest['readreadyFiles'] = [];
    const paths = new Map<string, string[]>();
    for (const [table, files] of published.files) {
      const list: string[] = [];
      for (const f of files.filter((x) => x.calendarday >= sel.from && x.calendarday <= sel.to)) {
        let path = lake.readready.localPath?.(f.key);
        if (path === undefined) {
          path = join(scratch, ...f.key.split('/'));
          await mkdir(dirname(path), { recursive: true });
          await pipeline(await lake.readready.getStream(f.key), createWriteStream(path));
        }
        list.push(path);
        readreadyFiles.push({ key: f.key, ...(await sha256(path)) });
      }
      paths.set(table, list);
    }

    const dbPath = join(scratch, 'export.duckdb');
    if (!asDatabase) await mkdir(staging, { recursive: true });
    await mkdir(dirname(dbPath), { recursive: true });
    const instance = await DuckDBInstance.create(dbPath, { temp_directory: join(scratch, 'spill') });
    const db = await instance.connect();
    const queries: ExportManifest['queries'] = {};
    const rowCounts: ExportManifest['rowCounts'] = {};
    const tableNames = published.tables.map((t) => t.name);
    try {
      const trail = published.tables.find((t) => t.name === 'from_cloudtrail_readready');
      for (const t of published.tables) {
        await db.run(
          `CREATE TEMP VIEW ${sourceName(t.name)} AS ${parquetSelect(t, paths.get(t.name) ?? [])}`,
        );
      }
      for (const t of published.tables) {
        const q = selectionQuery(t, sourceName(t.name), sel, trail ? sourceName(trail.name) : undefined);
        queries[t.name] = q;
        await db.run(`CREATE TABLE ${quoteIdent(t.name)} AS ${q.sql}`, q.params);
      }
      await createRunTables(db, published.runs, published.runFiles);
      // Keep the reconciliation rows of the exported days and of every exported row's raw file.
      const keys = tableNames
        .map((n) => `SELECT source_key FROM ${quoteIdent(n)} WHERE source_key IS NOT NULL`)
        .join(' UNION ');
      await db.run(
        `DELETE FROM loglake_run_files WHERE NOT coalesce(raw_day BETWEEN ? AND ?, false)${keys ? ` AND source_key NOT IN (${keys})` : ''}`,
        [sel.from, sel.to],
      );
      await db.run('DELETE FROM loglake_runs WHERE run_id NOT IN (SELECT run_id FROM loglake_run_files)');
      await createSharedViews(db, tableNames);
      for (const n of [...tableNames, 'loglake_runs', 'loglake_run_files']) {
        const r = await db.runAndReadAll(`SELECT count(*) FROM ${quoteIdent(n)}`);
        rowCounts[n] = Number(r.getRows()[0]?.[0]);
      }
      if (!asDatabase) {
        for (const n of [...tableNames, 'loglake_runs', 'loglake_run_files']) {
          const file = join(staging, `${n}.parquet`);
          await db.run(`COPY ${quoteIdent(n)} TO ${quoteLiteral(file)} ${parquetOptions()}`);
        }
      }
      await db.run('CHECKPOINT');
    } finally {
      db.closeSync();
      instance.closeSync();
    }
    if (asDatabase) await copyFile(dbPath, staging);
    const views = viewsFor(tableNames);
    if (!asDatabase) {
      const tables = [...tableNames, 'loglake_runs', 'loglake_run_files'];
      const text = [
        '-- Opens this export in DuckDB: cd into this folder, then `duckdb -init views.sql` (or .read views.sql).',
        ...tables.map(
          (n) => `CREATE OR REPLACE VIEW ${quoteIdent(n)} AS SELECT * FROM read_parquet('${n}.parquet');`,
        ),
        ...DUCKDB_SHIMS.map((s) => `${s};`),
        ...views.map((v) => `${createViewSql(v).trim()};`),
        '',
      ].join('\n');
      await writeFile(join(staging, 'views.sql'), text);
    }
    const files: ExportManifest['files'] = [];
    if (asDatabase) files.push({ path: basename(out), ...(await sha256(staging)) });
    else {
      for (const name of (await readdir(staging)).sort())
        files.push({ path: name, ...(await sha256(join(staging, name))) });
    }
    const manifest: ExportManifest = {
      loglakeVersion: loglakeVersion(),
      exportedAt: now().toISOString(),
      lake: `${lake.config.mode} ${lake.readready.location}`,
      selection: sel,
      queries,
      rowCounts,
      views: views.map((v) => v.name),
      readreadyFiles,
      files,
    };
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    if (asDatabase) {
      await writeFile(`${out}.manifest.json`, manifestText, { flag: 'wx' });
      await rename(staging, out);
    } else {
      await writeFile(join(staging, 'manifest.json'), manifestText);
      await rename(staging, out);
    }
    return manifest;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
