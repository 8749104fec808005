import { readFileSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
const sql = readFileSync(process.argv[2]!, 'utf8').replaceAll('/work/exp/run-cloudtrail/raw', '/work/exp/L-ctgood/raw').replaceAll('/work/exp/run-cloudwatch/raw', '/work/exp/L-cloudwatch/raw');
const cols = /^CREATE OR REPLACE TEMP TABLE \S+ AS SELECT file, (.*?), strftime\(/s.exec(sql)![1];
const db = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '1GB' });
const c = await db.connect();
const opts = `(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 40960`;
const sel = sql.replace(/^CREATE OR REPLACE TEMP TABLE \S+ AS /, '');
const nulls = cols.split(', ').map((col) => col === '"source_key"' ? col : `CASE WHEN keep THEN ${col} END AS ${col}`).join(', ');
const part = `CASE WHEN keep THEN calendarday WHEN doc_control THEN '_control' WHEN doc_unknown THEN '_unknown' WHEN filtered THEN '_filtered' ELSE '_bad' END AS part`;
const q = (c2: string) => `COPY (SELECT ${c2}, ${part} FROM (SELECT *, NOT (doc_control OR doc_unknown OR filtered OR bad) AS keep FROM (${sel}))) TO '/tmp/dump/p' ${opts}, PARTITION_BY (part), OVERWRITE)`;
const time = async (s: string) => { const t = performance.now(); await c.run(s); return Math.round(performance.now() - t); };
await c.run('SET partitioned_write_flush_threshold = 40960');
for (let k = 0; k < 4; k++) {
  const a = await time(q(nulls));
  const b = await time(q(cols));
  const n = await time(`COPY (SELECT ${cols}, calendarday AS part FROM (${sel})) TO '/tmp/dump/p' ${opts}, PARTITION_BY (part), OVERWRITE)`);
  console.log({ nulled: a, whole: b, noflags_partition: n });
}
