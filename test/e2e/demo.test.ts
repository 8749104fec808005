import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { type DemoResult, runDemo } from '../../cli/demo.ts';
import type { CliIO } from '../../cli/io.ts';
import { generate } from '../../ingest/generate/index.ts';
import { configSchema } from '../../lake/config.ts';
import type { Lake } from '../../lake/lake.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { reopenLake } from '../helpers/tempLake.ts';

const GEN = { seed: 11, accounts: 3, days: 2, sessions: 9 };

let dir: string;
let result: DemoResult;
let printed: string[];

async function counts(lake: Lake) {
  const engine = await lake.openQueryEngine();
  try {
    const q = async (sql: string) => Number((await engine.query(sql)).rows[0]?.n);
    return {
      ct: await q('SELECT count(*) AS n FROM from_cloudtrail_readready'),
      cw: await q('SELECT count(*) AS n FROM from_cloudwatch_readready'),
      ctDistinct: await q('SELECT count(DISTINCT eventid) AS n FROM from_cloudtrail_readready'),
      partitions:
        (await lake.catalog.listPartitions('loglake', 'from_cloudtrail_raw')).length +
        (await lake.catalog.listPartitions('loglake', 'from_cloudwatch_raw')).length +
        (await lake.catalog.listPartitions('loglake', 'from_cloudtrail_readready')).length +
        (await lake.catalog.listPartitions('loglake', 'from_cloudwatch_readready')).length,
    };
  } finally {
    await engine.close();
  }
}

beforeAll(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'loglake-demo-')), 'lake');
  printed = [];
  const io: CliIO = { out: (l) => printed.push(l), err: () => {}, isTTY: false };
  result = await runDemo({ dir, ...GEN, config: configSchema.parse({}) }, io);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('loglake demo (embedded, fixed seed)', () => {
  it('reports exact counts that match what the generator wrote', () => {
    const m = result.manifest;
    const t = result.transform.totals;
    expect(result.transform.reconciled).toBe(true);
    expect(t.rows).toBe(m.events.cloudtrailRecords + m.events.cloudwatchLogEvents);
    expect(t.skipped).toEqual({ control_message: m.events.controlMessages });
    expect(t.eventsIn).toBe(t.rows + m.events.controlMessages + t.quarantined);
    expect(t.files).toBe(m.files.cloudtrail + m.files.cloudwatch + m.files.bad);
    expect(t.filesQuarantined).toBe(m.files.bad);
    expect(result.addapart.skipped).toEqual({ source_skip: m.files.skip });
    expect(result.transform.totals.bytesCompressed).toBe(
      m.bytes.cloudtrail.compressed + m.bytes.cloudwatch.compressed,
    );
    // Files reconcile too, and what the bad files withheld is on record.
    expect(t.filesDecoded + t.filesQuarantined).toBe(t.files);
    const quarantined = result.transform.runs.flatMap((r) => r.quarantinedFiles);
    expect(t.bytesWithheld).toBe(quarantined.reduce((n, q) => n + q.bytes, 0));
    expect(quarantined.every((q) => q.bytes > 0)).toBe(true);
    expect(result.transform.complete).toBe(false);
  });

  it('quarantines every bad file with a reason, and the run still succeeds', () => {
    const quarantined = result.transform.runs.flatMap((r) => r.quarantinedFiles);
    expect(quarantined.map((q) => q.key).sort()).toEqual(result.manifest.bad.map((b) => b.key).sort());
    const reasonOf = (kind: string) =>
      quarantined.find((q) => q.key === result.manifest.bad.find((b) => b.kind === kind)?.key)?.reason;
    expect(reasonOf('truncated-gzip')).toBe('corrupt_compression');
    expect(reasonOf('invalid-json')).toBe('invalid_json');
    expect(reasonOf('unknown-envelope')).toBe('unknown_envelope');
  });

  it('shows every generated StartSession in session_review with the right number of keystroke lines', async () => {
    const lake = await reopenLake(dir);
    try {
      const engine = await lake.openQueryEngine();
      const rows = (
        await engine.query(
          'SELECT sessionid, line_count, principal_arn, account_id, target FROM session_review',
        )
      ).rows;
      await engine.close();
      const byId = new Map(rows.map((r) => [String(r.sessionid), r]));
      expect(rows).toHaveLength(result.manifest.sessions.length);
      for (const s of result.manifest.sessions) {
        expect(byId.get(s.sessionId)).toMatchObject({
          line_count: s.logEvents,
          principal_arn: s.principalArn,
          account_id: s.account,
          target: s.target,
        });
      }
    } finally {
      await lake.close();
    }
  });

  it('prints the run summary and the session review with keystroke lines', () => {
    const text = printed.join('\n');
    expect(text).toMatch(/events in [\d,]+ = rows [\d,]+ \+ skipped [\d,]+ .* reconciled/);
    expect(text).toMatch(/events\/s/);
    expect(text).toContain('session review (3 of 9 sessions)');
    const first = result.reviewed[0]!;
    expect(first.lines.length).toBeGreaterThan(0);
    expect(text).toContain(first.lines[0]!);
  });

  it('re-running addapart and transform, and re-delivering every notification, changes no count', async () => {
    const lake = await reopenLake(dir);
    try {
      const before = await counts(lake);
      expect(before.ct).toBe(before.ctDistinct);
      // Deliver every notification again by re-landing all files (raw overwrite sends a new notification).
      const { files } = generate(GEN);
      for (const f of files) await lake.raw.put(f.key, f.body);
      await drainQueue(lake);
      const rerun = await runTransform(lake);
      expect(rerun.totals.files).toBe(0);
      expect(await counts(lake)).toEqual(before);
    } finally {
      await lake.close();
    }
  });
});
