import { addapartQuarantined, recentAddapartRuns } from '../../addapart/runRecord.ts';
import type { Lake } from '../../lake/lake.ts';
import type { RunManifest } from '../../lake/runManifest.ts';
import { type Command, intOption } from '../command.ts';
import { renderTable } from '../format.ts';
import type { CliIO } from '../io.ts';

export const status: Command = {
  name: 'status',
  summary: 'partitions, pending files and the last runs with their reconciliation counts',
  usage: 'loglake status [--runs <n>]',
  help: ['--runs <n>        how many recent runs to show (default 5)'],
  options: { runs: { type: 'string' } },
  async run({ values, io, openLake }) {
    const lake = await openLake();
    try {
      const db = lake.config.database;
      io.out(`lake: ${lake.config.mode} (${lake.raw.location})`);
      const tables = await lake.catalog.listTables(db);
      const rows = [];
      for (const t of tables)
        rows.push({
          table: t.name,
          format: t.format,
          partitions: (await lake.catalog.listPartitions(db, t.name)).length,
        });
      io.out(renderTable(['table', 'format', 'partitions'], rows));
      const c = await lake.ledger.counts();
      io.out(
        `landed files: ${c.pending} pending, ${c.claimed} claimed, ${c.done} done; queued notifications: ${await lake.queue.depth()}`,
      );
      const aside = await lake.ledger.listSetAside();
      const asideFiles = aside.reduce((n, b) => n + b.files.length, 0);
      io.out(
        `set aside: ${aside.length} batches (${asideFiles} files)` +
          (aside.length > 0 ? '; `loglake replay --set-aside` re-opens them' : ''),
      );
      for (const b of aside) {
        io.out(
          `  ${b.batchId}: ${b.files.length} files, ${b.attempts} attempts, at ${b.setAsideAt}: ${b.error}`,
        );
        for (const f of b.files.slice(0, 5)) io.out(`    ${f.key}`);
        if (b.files.length > 5) io.out(`    … and ${b.files.length - 5} more`);
      }
      const keys: string[] = [];
      for await (const o of lake.control.list('runs/')) keys.push(o.key);
      const recent = keys.sort().slice(-intOption(values, 'runs', 5));
      const runs: Record<string, unknown>[] = [];
      const quarantined: Record<string, unknown>[] = [];
      for (const key of recent) {
        const m = JSON.parse(Buffer.from(await lake.control.get(key)).toString('utf8')) as RunManifest;
        const skipped = Object.values(m.totals.skipped).reduce((a, b) => a + b, 0);
        runs.push({
          run: m.runId,
          files: m.totals.files,
          events_in: m.totals.eventsIn,
          rows: m.totals.rows,
          skipped,
          quarantined: m.totals.quarantined,
          files_quarantined: m.totals.filesQuarantined,
          reconciled: m.reconciled,
          complete: m.complete ?? m.reconciled,
        });
        for (const q of m.quarantinedFiles) {
          quarantined.push({
            run: m.runId,
            key: q.key,
            reason: q.reason,
            bytes: q.bytes ?? '',
            events_read: q.eventsRead ?? '',
          });
        }
      }
      await printAddapartRuns(io, lake, intOption(values, 'runs', 5));
      io.out(`last ${runs.length} runs:`);
      io.out(
        renderTable(
          [
            'run',
            'files',
            'events_in',
            'rows',
            'skipped',
            'quarantined',
            'files_quarantined',
            'reconciled',
            'complete',
          ],
          runs,
        ),
      );
      if (quarantined.length > 0) {
        io.out(`files quarantined whole in those runs (${quarantined.length}):`);
        io.out(renderTable(['run', 'key', 'reason', 'bytes', 'events_read'], quarantined));
      }
    } finally {
      await lake.close();
    }
    return 0;
  },
};

const formatCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || '-';

/**
 * What addapart did with every notified object over its recent runs: recorded, skipped (by rule),
 * quarantined (by reason) or failed, and the keys it quarantined, named.
 */
async function printAddapartRuns(io: CliIO, lake: Lake, n: number): Promise<void> {
  const records = await recentAddapartRuns(lake.control, n);
  io.out(`last ${records.length} addapart runs:`);
  io.out(
    renderTable(
      ['run', 'objects', 'recorded', 'skipped', 'quarantined', 'failed_messages'],
      records.map((r) => ({
        run: r.runId,
        objects: r.stats.notices,
        recorded: r.stats.accepted,
        skipped: formatCounts(r.stats.skipped),
        quarantined: formatCounts(r.stats.quarantined ?? {}),
        failed_messages: r.stats.failedMessages,
      })),
    ),
  );
  for (const r of records)
    for (const f of r.failures) io.out(`  failed message ${f.messageId} (run ${r.runId}): ${f.error}`);
  const quarantined = await addapartQuarantined(lake.quarantine, 50);
  if (quarantined.length > 0) {
    io.out(`keys quarantined at addapart${quarantined.length >= 50 ? ' (first 50)' : ''}:`);
    // One line each, the key whole: a truncated key cannot be found again.
    for (const q of quarantined) io.out(`  ${q.reason} (${q.source}): s3://${q.bucket}/${q.key}`);
  }
}
