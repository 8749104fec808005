import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { generate } from '../../ingest/generate/index.ts';
import { landFiles } from '../../ingest/land.ts';
import { escapeGlob } from '../../lake/duckPaths.ts';
import type { Lake } from '../../lake/lake.ts';
import type { Catalog } from '../../lake/ports.ts';
import { runTransform, transformContext } from '../../transform/runTransform.ts';
import { transformBatch } from '../../transform/transformBatch.ts';
import { reopenLake } from '../helpers/tempLake.ts';

const GEN = { seed: 5, accounts: 1, days: 1, sessions: 2, badFiles: false };

async function parquetFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
    .map((e) => join(e.parentPath, e.name));
}

async function count(lake: Lake, table: string): Promise<number> {
  const engine = await lake.openQueryEngine();
  try {
    return Number((await engine.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);
  } finally {
    await engine.close();
  }
}

describe('embedded readers see only what the catalog published (a kill -9 during publish)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'loglake-half-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('hides a batch whose partitions were never registered, then shows it once after the re-run', async () => {
    const dir = join(root, 'lake');
    const lake = await reopenLake(dir);
    try {
      const { files, manifest } = generate(GEN);
      await landFiles(lake.raw, files);
      await drainQueue(lake);
      const claim = await lake.ledger.claim({ maxFiles: 10_000, maxBytes: 1e12 });
      expect(claim).toBeDefined();
      // The process dies after its Parquet is in place and before any partition is registered.
      const dying: Catalog = {
        ...lake.catalog,
        listTables: (d) => lake.catalog.listTables(d),
        listPartitions: (d, t) => lake.catalog.listPartitions(d, t),
        createPartitions: async () => {
          throw new Error('killed');
        },
      };
      await expect(transformBatch({ ...transformContext(lake), catalog: dying }, claim!)).rejects.toThrow(
        'killed',
      );
      expect((await parquetFiles(join(dir, 'readready'))).length).toBeGreaterThan(0);
      // A stale temporary file of an interrupted put, beside the real ones.
      const [one] = await parquetFiles(join(dir, 'readready', 'from_cloudtrail_readready'));
      await cp(one!, `${one}.0b3c.tmp`);
      expect(await count(lake, 'from_cloudtrail_readready')).toBe(0);
      expect(await count(lake, 'from_cloudwatch_readready')).toBe(0);

      const rerun = await runTransform(lake);
      expect(rerun.runs).toHaveLength(1);
      expect(await count(lake, 'from_cloudtrail_readready')).toBe(manifest.events.cloudtrailRecords);
      expect(await count(lake, 'from_cloudwatch_readready')).toBe(manifest.events.cloudwatchLogEvents);
      expect(await count(lake, 'loglake_runs')).toBe(1);

      // A stray Parquet file dropped into a registered partition folder is not part of the table either.
      await cp(one!, join(one!, '..', 'part-stray-0000.parquet'));
      expect(await count(lake, 'from_cloudtrail_readready')).toBe(manifest.events.cloudtrailRecords);
    } finally {
      await lake.close();
    }
  }, 60_000);

  it('reads a lake whose folder name holds glob characters, and nothing from a folder the glob would match', async () => {
    // DuckDB cannot keep its own database file under a folder with `?` in its name (it mistakes the
    // `?` in its WAL path), so the lake folder uses the other two.
    const dir = join(root, 'lake[1]*');
    const lake = await reopenLake(dir);
    try {
      const { files, manifest } = generate(GEN);
      await landFiles(lake.raw, files);
      await drainQueue(lake);
      await runTransform(lake);
      // `lake[1]*` as a pattern matches `lake1zz`: a copy there would double every row.
      await cp(dir, join(root, 'lake1zz'), { recursive: true });
      expect(await count(lake, 'from_cloudtrail_readready')).toBe(manifest.events.cloudtrailRecords);
    } finally {
      await lake.close();
    }
  }, 60_000);

  it('escapes each glob character as a class that matches only itself', () => {
    expect(escapeGlob('/l/a*b?c[1]d{e}.parquet')).toBe('/l/a[*]b[?]c[[]1[]]d[{]e[}].parquet');
    expect(escapeGlob('/plain/path.parquet')).toBe('/plain/path.parquet');
  });
});

describe('loglake query is read-only and cannot reach the catalog, the ledger or other files', () => {
  let root: string;
  let dir: string;
  let lake: Lake;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'loglake-ro-'));
    dir = join(root, 'lake');
    lake = await reopenLake(dir);
    const { files } = generate(GEN);
    await landFiles(lake.raw, files);
    await drainQueue(lake);
    await runTransform(lake);
  }, 60_000);
  afterAll(async () => {
    await lake.close();
    await rm(root, { recursive: true, force: true });
  });

  it('refuses every attack and changes nothing', async () => {
    const rawKey = [...generate(GEN).files].find((f) => f.kind === 'cloudtrail')!.key;
    const rawPath = lake.raw.localPath!(rawKey)!;
    const rawBefore = await readFile(rawPath);
    const partitionsBefore = await lake.catalog.listPartitions('loglake', 'from_cloudtrail_readready');
    const ledgerBefore = await lake.ledger.counts();
    const catalogFile = join(dir, 'catalog.duckdb');
    const secret = join(root, 'secret.txt');
    await writeFile(secret, 'not for auditors');
    const outside = join(root, 'out');
    await mkdir(outside);
    const attacks: [string, RegExp][] = [
      ['DELETE FROM catalog_partitions', /read-only|DELETE/],
      ["UPDATE landed_files SET state = 'pending'", /read-only|UPDATE/],
      [`COPY (SELECT 'x' AS a) TO '${rawPath}' (FORMAT csv)`, /read-only|disabled/],
      [`COPY from_cloudtrail_readready TO '${join(outside, 'dump.csv')}'`, /read-only|disabled/],
      ["SELECT * FROM read_text('/etc/hostname')", /disabled|Permission/],
      [`SELECT * FROM read_text('${secret}')`, /disabled|Permission/],
      [`SELECT * FROM read_csv('${rawPath}')`, /disabled|Permission/],
      [`SELECT * FROM read_json_auto('${join(dir, 'control', 'runs', '*.json')}')`, /disabled|Permission/],
      [`SELECT * FROM glob('${dir}/**')`, /disabled|Permission/],
      [`ATTACH '${catalogFile}' AS cat`, /read-only|disabled/],
      ['SELECT * FROM catalog_partitions', /does not exist/],
      ['SELECT * FROM landed_files', /does not exist/],
      ['SET enable_external_access = true', /read-only|SET/],
      ['SELECT 1 AS a; DELETE FROM loglake_runs', /exactly one SQL statement/],
      ['CREATE TABLE t AS SELECT 1 AS a', /read-only|CREATE/],
      ['INSERT INTO loglake_runs (run_id) VALUES (?)', /read-only|INSERT/],
      ['DROP VIEW session_review', /read-only|DROP/],
      ['EXPLAIN ANALYZE DELETE FROM loglake_runs', /read-only|EXPLAIN/],
      ['INSTALL httpfs', /read-only|INSTALL|LOAD/],
      ["SELECT getenv('HOME') AS h", /getenv|does not exist|disabled/],
    ];
    const engine = await lake.openQueryEngine();
    try {
      for (const [sql, message] of attacks) {
        await expect(engine.query(sql, sql.includes('?') ? ['x'] : []), sql).rejects.toThrow(message);
      }
      // The engine still answers reads afterwards, the published files included by name.
      const published = (await engine.query('SELECT count(*) AS n FROM from_cloudtrail_readready')).rows[0]
        ?.n;
      expect(Number(published)).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
    expect(await readFile(rawPath)).toEqual(rawBefore);
    expect(await lake.catalog.listPartitions('loglake', 'from_cloudtrail_readready')).toEqual(
      partitionsBefore,
    );
    expect(await lake.ledger.counts()).toEqual(ledgerBefore);
    expect(await readdir(outside)).toEqual([]);
  });
});
