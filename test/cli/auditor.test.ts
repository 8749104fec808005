import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/io.ts';
import { main } from '../../cli/main.ts';
import { loadQueryPack } from '../../sql/index.ts';
import { type AuditLake, buildAuditLake } from '../helpers/auditLake.ts';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err };
}

let audit: AuditLake;
beforeAll(async () => {
  audit = await buildAuditLake();
}, 120_000);
afterAll(() => audit?.done());

describe('loglake queries, query --named and export', () => {
  it('lists every query of the pack with its parameters', async () => {
    const r = await run('queries');
    expect(r.code).toBe(0);
    for (const q of loadQueryPack()) {
      expect(r.out).toContain(`loglake query --named ${q.name}`);
      for (const p of q.params) expect(r.out).toContain(`--param ${p.name}=<${p.type}>`);
    }
    const one = await run('queries', 'iam_changes');
    expect(one.out).toContain("WHERE eventsource = 'iam.amazonaws.com'");
  });

  it('runs a named query with name=value parameters and prints its rows', async () => {
    const r = await run(
      'query',
      '--dir',
      audit.dir,
      '--named',
      'iam_changes',
      '--param',
      'from_time=2026-11-01 09:00',
      '--param',
      'to_time=2026-11-01 12:00',
      '--format',
      'json',
    );
    expect(r.err).toEqual([]);
    expect((JSON.parse(r.out) as { event_name: string }[]).map((x) => x.event_name)).toEqual([
      'AttachRolePolicy',
      'PutRolePolicy',
    ]);
    const missing = await run(
      'query',
      '--dir',
      audit.dir,
      '--named',
      'iam_changes',
      '--param',
      'from_time=2026-11-01 09:00',
    );
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual([
      'loglake query: iam_changes: missing --param to_time=<timestamp> (end of the window (UTC), inclusive)',
    ]);
  });

  it('refuses a write through loglake query', async () => {
    const r = await run('query', '--dir', audit.dir, 'DELETE FROM loglake_runs');
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/only read-only queries/);
  });

  it('exports a day and prints the counts', async () => {
    const out = join(audit.dir, '..', 'day.duckdb');
    const r = await run(
      'export',
      '--dir',
      audit.dir,
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-01',
      '--out',
      out,
    );
    expect(r.err).toEqual([]);
    // The sessions extract of CloudTrail is exported with the readready tables.
    expect(r.out).toMatch(
      /^exported from_cloudtrail_readready \d+, from_cloudtrail_sessions \d+, from_cloudwatch_readready \d+/,
    );
    const manifest = JSON.parse(await readFile(`${out}.manifest.json`, 'utf8')) as {
      selection: { from: string };
    };
    expect(manifest.selection.from).toBe('2026-11-01');
  });
});
