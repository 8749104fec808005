import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** One DuckDB database file, opened once per process and shared by the local catalog and ledger. */
export interface DuckDBHandle {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

/** Opens (creating if needed) a DuckDB file, or `:memory:`. */
export async function openDuckDB(path: string, options: Record<string, string> = {}): Promise<DuckDBHandle> {
  if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(path, options);
  const connection = await instance.connect();
  return { instance, connection };
}

/** Runs `fn` in a transaction, rolling back if it throws. */
export async function inTransaction<T>(connection: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const result = await fn();
    await connection.run('COMMIT');
    return result;
  } catch (err) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Splits an array into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
