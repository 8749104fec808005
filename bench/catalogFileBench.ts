/**
 * What holding the embedded catalog file per operation costs: ledger calls through
 * {@link CatalogFile} (ATTACH, the call, DETACH) against the same calls on a file kept open.
 * Run: `node --import tsx bench/catalogFileBench.ts [calls]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogFile, heldPerCall } from '../lake/embedded/catalogFile.ts';
import { openDuckDB } from '../lake/embedded/duckdbFile.ts';
import { LocalLedger } from '../lake/embedded/localLedger.ts';
import type { Ledger } from '../lake/ports.ts';

async function time(ledger: Ledger, calls: number, prefix: string): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    await ledger.record([
      { bucket: 'raw', key: `${prefix}-${i}`, source: 'cloudtrail', size: 1, partition: ['x'] },
    ]);
  }
  return (performance.now() - started) / calls;
}

const calls = Number(process.argv[2] ?? 200);
const dir = await mkdtemp(join(tmpdir(), 'loglake-catalog-bench-'));
try {
  const open = await openDuckDB(join(dir, 'open.duckdb'));
  const kept = await LocalLedger.open(open.connection, { log: () => {} });
  const keptMs = await time(kept, calls, 'kept');
  open.connection.closeSync();
  open.instance.closeSync();

  const memory = await openDuckDB(':memory:');
  const file = await CatalogFile.open(memory.instance, join(dir, 'held.duckdb'));
  const held = heldPerCall(await file.use(() => LocalLedger.open(file.connection, { log: () => {} })), file);
  const heldMs = await time(held, calls, 'held');
  file.connection.closeSync();
  memory.connection.closeSync();
  memory.instance.closeSync();
  console.log(
    JSON.stringify({
      calls,
      keptOpenMsPerCall: +keptMs.toFixed(2),
      heldPerCallMsPerCall: +heldMs.toFixed(2),
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
