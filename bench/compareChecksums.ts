import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../lake/sqlQuote.ts';
import type { BenchSource, ChecksumComparison } from './types.ts';

/** The readready columns (DESIGN §7) compared between outputs, plus the `calendarday` partition. */
export const CHECKSUM_COLUMNS: Record<BenchSource, readonly string[]> = {
  cloudtrail: [
    'eventtime',
    'eventid',
    'eventversion',
    'eventsource',
    'eventname',
    'eventtype',
    'eventcategory',
    'awsregion',
    'recipientaccountid',
    'sourceipaddress',
    'useragent',
    'errorcode',
    'errormessage',
    'readonly',
    'managementevent',
    'requestid',
    'useridentity_type',
    'useridentity_principalid',
    'useridentity_arn',
    'useridentity_accountid',
    'useridentity_accesskeyid',
    'useridentity_username',
    'useridentity_invokedby',
    'sessionissuer_type',
    'sessionissuer_arn',
    'sessionissuer_username',
    'sourceidentity',
    'mfaauthenticated',
    'sessionid',
    'target',
    'requestparameters',
    'responseelements',
    'additionaleventdata',
    'resources',
    'source_key',
    'calendarday',
  ],
  cloudwatch: [
    'eventtime',
    'logeventid',
    'owner',
    'loggroup',
    'logstream',
    'message',
    'sessionid',
    'sessiondata',
    'target',
    'runasuser',
    'useridentity_arn',
    'source_key',
    'calendarday',
  ],
};

/** `read_parquet` over every Parquet file under a folder, with `calendarday` from the folder names. */
export function parquetScan(dir: string): string {
  return (
    `read_parquet(${quoteLiteral(`${dir}/**/*.parquet`)}, hive_partitioning = true, ` +
    `hive_types = {'calendarday': 'VARCHAR'}, union_by_name = true)`
  );
}

async function checksums(
  db: DuckDBConnection,
  dir: string,
  columns: readonly string[],
): Promise<{ rows: number; sums: Map<string, string> }> {
  const described = await db.runAndReadAll(`DESCRIBE SELECT * FROM ${parquetScan(dir)}`);
  const present = new Set(described.getRows().map((r) => String(r[0])));
  const have = columns.filter((c) => present.has(c));
  const exprs = have.map((c) => `sum(hash(${quoteIdent(c)}))::VARCHAR AS ${quoteIdent(c)}`);
  const reader = await db.runAndReadAll(
    `SELECT count(*)::BIGINT AS n${exprs.map((e) => `, ${e}`).join('')} FROM ${parquetScan(dir)}`,
  );
  const row = reader.getRowObjectsJS()[0] ?? {};
  const sums = new Map<string, string>();
  for (const c of columns) sums.set(c, present.has(c) ? String(row[c] ?? 'null') : 'missing');
  return { rows: Number(row.n ?? 0), sums };
}

/**
 * Compares loglake's readready output with another contender's: the row counts, and per column
 * `sum(hash(col))` (NULLs hash too, so a value turning NULL shows). DuckDB computes both sides.
 */
export async function compareChecksums(
  db: DuckDBConnection,
  loglakeDir: string,
  otherDir: string,
  columns: readonly string[],
): Promise<ChecksumComparison> {
  const a = await checksums(db, loglakeDir, columns);
  const b = await checksums(db, otherDir, columns);
  const cols = columns.map((column) => {
    const loglake = a.sums.get(column) ?? 'missing';
    const other = b.sums.get(column) ?? 'missing';
    return { column, loglake, other, equal: loglake === other && loglake !== 'missing' };
  });
  return {
    rowsLoglake: a.rows,
    rowsOther: b.rows,
    rowsEqual: a.rows === b.rows,
    columns: cols,
    allEqual: a.rows === b.rows && cols.every((c) => c.equal),
  };
}
