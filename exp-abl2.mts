import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
const sql0 = readFileSync('/tmp/dumpct/0080.sql', 'utf8').replaceAll('/work/exp/run-cloudtrail/raw', '/work/exp/L-ctgood/raw');
const i = sql0.indexOf('false AS filtered, (') + 'false AS filtered, ('.length;
const j = sql0.indexOf(') AS bad\n', i);
const bad = sql0.slice(i, j);
const parts = bad.split(' OR CASE WHEN ');
const variant = (keep: (p: string, k: number) => boolean) => {
  const kept = parts.filter((p, k) => k === 0 || keep(p, k));
  return sql0.slice(0, i) + kept.join(' OR CASE WHEN ') + sql0.slice(j);
};
const cols = /^CREATE OR REPLACE TEMP TABLE \S+ AS SELECT file, (.*?), strftime\(/s.exec(sql0)![1];
const db = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '1GB' });
const c = await db.connect();
await c.run('SET partitioned_write_flush_threshold = 40960');
const run = async (sql: string, sizeBound = true) => {
  let sel = sql.replace(/^CREATE OR REPLACE TEMP TABLE \S+ AS /, '');
  if (!sizeBound) sel = sel.replace(/AND \(bad OR \(coalesce[\s\S]*?\) \* 6 > \d+\) AS bad/, 'AND bad AS bad');
  const part = `CASE WHEN keep THEN calendarday WHEN doc_control THEN '_control' WHEN doc_unknown THEN '_unknown' WHEN filtered THEN '_filtered' ELSE '_bad' END AS part`;
  const t = performance.now();
  await c.run(`COPY (SELECT ${cols}, ${part} FROM (SELECT *, NOT (doc_control OR doc_unknown OR filtered OR bad) AS keep FROM (${sel}))) TO '/tmp/dump/p' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 40960, PARTITION_BY (part), OVERWRITE)`);
  return Math.round(performance.now() - t);
};
const V: Record<string, string> = {
  all: sql0,
  noText: variant((p) => !/^"l\d+" IS NOT NULL THEN coalesce\(CASE WHEN \("l/.test(p)),
  noJson: variant((p) => !/CAST\("l\d+" AS VARCHAR\) >= '"'/.test(p)),
  noBool: variant((p) => !/lower\(/.test(p)),
  none: variant(() => false),
};
for (let k = 0; k < 3; k++) {
  const out: Record<string, number> = {};
  for (const [name, sql] of Object.entries(V)) out[name] = await run(sql);
  out.noSize = await run(sql0, false);
  out.noneNoSize = await run(V.none!, false);
  console.log(out);
}
// variant: a cheap range guard before each text leaf's checks
const guarded = parts.map((p, k) => {
  const m = /^"(l\d+)" IS NOT NULL THEN coalesce\(CASE WHEN \("l\d+" >= '0'/.exec(p);
  if (k === 0 || !m) return p;
  const l = `"${m[1]}"`;
  let q = p.replace(`THEN coalesce(CASE WHEN (${l} >= '0'`, `THEN CASE WHEN (${l} >= ':' AND ${l} < '[') OR (${l} >= '\\' AND ${l} < '{') THEN false ELSE coalesce(CASE WHEN (${l} >= '0'`);
  const end = q.lastIndexOf(', false) ELSE false END');
  q = `${q.slice(0, end)}, false) END ELSE false END${q.slice(end + ', false) ELSE false END'.length)}`;
  return q;
});
const G = sql0.slice(0, i) + guarded.join(' OR CASE WHEN ') + sql0.slice(j);
for (let k = 0; k < 4; k++) console.log({ all: await run(sql0), guarded: await run(G), noText: await run(V.noText!) });
