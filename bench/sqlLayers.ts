/**
 * Where the SQL decoder's time goes, layer by layer, against DuckDB's native projection of the same
 * files (issue 12.2): each subquery of the generated SQL (`compileSqlPlan`), from the `read_json`
 * of the documents up to the typed rows with their exactness flags, is run alone to the end
 * (`sum(hash(COLUMNS(*)))`, so every column is computed) and timed in process CPU time, the best
 * of `--runs`, on one DuckDB thread. Then the chunk the way transform runs it: rows into a
 * temporary table plus the COPY from it, against direct COPYs of the same rows (flat, and
 * partitioned by row state and day as a temp-table-free transform would need) and native's COPY.
 * Run (the bench's data set must be cached: `npm run bench -- --sizes L` makes it):
 *
 *   node --import tsx bench/sqlLayers.ts [--source cloudwatch] [--files 1000] [--mb 800] [--runs 3]
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { literalFilePath } from '../lake/duckPaths.ts';
import { parquetOptions } from '../lake/parquetOptions.ts';
import { quoteLiteral } from '../lake/sqlQuote.ts';
import { loadSources } from '../sources/loader.ts';
import { compileSqlPlan } from '../transform/decoders/sql/sqlPlan.ts';
import { TRANSFORM_PARQUET } from '../transform/sinks/parquet/writeParquet.ts';
import { nativeSelect } from './nativeSql.ts';
import { DEFAULT_DATASET, goodKeys, prepareDataset } from './prepareDataset.ts';
import { BENCH_DIR } from './runBench.ts';
import type { BenchSource } from './types.ts';

/** Every parenthesised `(SELECT …)` of `sql`, outermost first. */
function subqueries(sql: string): string[] {
  const out: string[] = [];
  for (let i = sql.indexOf('(SELECT'); i >= 0; i = sql.indexOf('(SELECT', i + 1)) {
    let depth = 0;
    for (let j = i; j < sql.length; j++) {
      if (sql[j] === '(') depth++;
      else if (sql[j] === ')' && --depth === 0) {
        out.push(sql.slice(i, j + 1));
        break;
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      source: { type: 'string', default: 'cloudwatch' },
      files: { type: 'string', default: '1000' },
      mb: { type: 'string', default: '800' },
      runs: { type: 'string', default: '3' },
    },
  });
  const source = values.source as BenchSource;
  const dataset = await prepareDataset(join(BENCH_DIR, '.cache'), {
    seed: 1,
    mbPerSource: Number(values.mb),
    ...DEFAULT_DATASET,
  });
  const keys = goodKeys(dataset, source).slice(0, Number(values.files));
  const definition = (await loadSources()).find((s) => s.name === source);
  if (definition === undefined) throw new Error(`no source ${source}`);
  const plan = compileSqlPlan(definition);
  const paths = keys.map((k) => `${dataset.dir}/${k}`);
  const list = paths.map(literalFilePath).join(', ');
  const byPath = paths.map((p, i) => `(${literalFilePath(p)}, ${quoteLiteral(keys[i]!)})`).join(', ');
  // The documents as sqlDecodeChunk reads them: one read_json, each row tagged with its raw key.
  const docs = `(SELECT k.file, d.* EXCLUDE (filename) FROM read_json([${list}], format = 'unstructured',
    records = true, compression = 'gzip', filename = true, maximum_object_size = ${16 * 2 ** 20},
    columns = ${plan.docColumns}) d JOIN (VALUES ${byPath}) k(path, file) ON k.path = d.filename)`;
  const ours = plan.rows(`(${plan.events(docs)}) AS events`);
  const native = nativeSelect(source, { root: dataset.dir, keys, maximumObjectSize: 16 * 2 ** 20 });
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const duck = await instance.connect();
  const out = join(dataset.dir, '..', `sql-layers-${process.pid}`);
  const cpu = async (sql: string): Promise<number> => {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < Number(values.runs); i++) {
      const before = process.cpuUsage();
      await duck.run(sql);
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    return best;
  };
  const line = (label: string, ms: number) =>
    process.stdout.write(`${String(Math.round(ms)).padStart(8)} ms  ${label}\n`);
  try {
    process.stdout.write(
      `${source}: ${keys.length} files, CPU ms (best of ${values.runs}), one DuckDB thread\n`,
    );
    line(
      'native: the whole projection',
      await cpu(`SELECT count(*), sum(hash(COLUMNS(*))) FROM (${native})`),
    );
    line('loglake: the whole rows query', await cpu(`SELECT count(*), sum(hash(COLUMNS(*))) FROM (${ours})`));
    for (const s of subqueries(ours).filter((q) => q.length > 200)) {
      line(
        `  layer ${s.slice(1, 40).replace(/\s+/g, ' ')}…`,
        await cpu(`SELECT count(*), sum(hash(COLUMNS(*))) FROM ${s}`),
      );
    }
    // loglake's COPYs with transform's own options; native's with DuckDB's defaults, as the bench runs it.
    const parquet = (to: string) => `TO ${quoteLiteral(to)} ${parquetOptions(TRANSFORM_PARQUET)}`;
    const columns = `* EXCLUDE (file, doc_control, doc_unknown, filtered, bad, calendarday)`;
    const table = await cpu(`CREATE OR REPLACE TEMP TABLE layers_rows AS ${ours}`);
    const copy = await cpu(`COPY (SELECT ${columns} FROM layers_rows) ${parquet(`${out}-a.parquet`)}`);
    line('loglake as transform runs it: rows → temp table', table);
    line('loglake as transform runs it: COPY from the temp table', copy);
    line(
      'loglake, hypothetical: direct COPY of the rows',
      await cpu(`COPY (SELECT ${columns} FROM (${ours})) ${parquet(`${out}-b.parquet`)}`),
    );
    // Rows straight to Parquet, partitioned by state (kept, control, flagged, …) and day, so no
    // temporary table is needed: tried in transform, and no faster at 250 files a chunk.
    const byState = `CASE WHEN bad THEN 'bad' WHEN doc_control THEN 'control' WHEN doc_unknown THEN 'unknown' WHEN filtered THEN 'filtered' ELSE 'ok' END`;
    line(
      'loglake, hypothetical: direct COPY partitioned by state and day',
      await cpu(
        `COPY (SELECT * EXCLUDE (file, doc_control, doc_unknown, filtered, bad), ${byState} AS _state FROM (${ours})) ` +
          `TO ${quoteLiteral(`${out}-d`)} ${parquetOptions({ ...TRANSFORM_PARQUET, partitionBy: ['_state', 'calendarday'], overwrite: true })}`,
      ),
    );
    line(
      'native: COPY',
      await cpu(`COPY (${native}) TO ${quoteLiteral(`${out}-c.parquet`)} ${parquetOptions()}`),
    );
  } finally {
    duck.closeSync();
    instance.closeSync();
    for (const x of ['a', 'b', 'c']) await rm(`${out}-${x}.parquet`, { force: true });
    await rm(`${out}-d`, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/sqlLayers: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
