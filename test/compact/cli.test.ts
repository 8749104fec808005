import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/io.ts';
import { main } from '../../cli/main.ts';

async function run(...argv: string[]) {
  const lines: string[] = [];
  const errors: string[] = [];
  const io: CliIO = { out: (l) => lines.push(l), err: (l) => errors.push(l), isTTY: false };
  const code = await main(argv, io);
  return { code, out: lines.join('\n'), errLines: errors };
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loglake-compact-cli-'));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

const count = async (dir: string, table: string) => {
  const q = await run(
    'query',
    '--dir',
    dir,
    '--format',
    'json',
    `SELECT count(*)::INTEGER AS n FROM ${table}`,
  );
  return (JSON.parse(q.out) as { n: number }[])[0]?.n;
};

describe('loglake compact', () => {
  it('compacts every partition, keeps the rows, collects with --gc and changes nothing the second time', async () => {
    const raw = join(work, 'raw');
    const dir = join(work, 'lake');
    await run('generate', '--out', raw, '--seed', '3', '--sessions', '4', '--accounts', '1', '--days', '2');
    const manifest = JSON.parse(await readFile(join(raw, '_manifest.json'), 'utf8'));
    await run('land', '--dir', dir, raw);
    await run('addapart', '--dir', dir);
    await run('transform', '--dir', dir, '--max-files', '2');

    const first = await run('compact', '--dir', dir, '--grace-minutes', '0');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/compact: [1-9]\d* of \d+ partitions compacted/);
    expect(first.out).toMatch(/from_cloudtrail_readready\s+2026-11-01\s+compacted\s+\d+ -> 1\b/);
    // During the grace period both generations exist; queries read the catalog's one only.
    expect(await count(dir, 'from_cloudtrail_readready')).toBe(manifest.events.cloudtrailRecords);
    expect(await count(dir, 'from_cloudwatch_readready')).toBe(manifest.events.cloudwatchLogEvents);
    const gc = await run('compact', '--dir', dir, '--gc', '--grace-minutes', '0');
    expect(gc.out).toContain('old generation deleted');
    expect(await count(dir, 'from_cloudtrail_readready')).toBe(manifest.events.cloudtrailRecords);
    expect(await count(dir, 'from_cloudwatch_readready')).toBe(manifest.events.cloudwatchLogEvents);
    const again = await run(
      'compact',
      '--dir',
      dir,
      '--table',
      'from_cloudtrail_readready',
      '--day',
      '2026-11-01',
    );
    expect(again.out).toMatch(/skipped\s+1\s.*already_compact/);
    expect(again.out).toContain('compact: 0 of 1 partitions compacted');
  });

  it('refuses a malformed day and an unknown table with a one-line reason', async () => {
    const dir = join(work, 'empty');
    const badDay = await run('compact', '--dir', dir, '--day', '1 Nov');
    expect(badDay.code).toBe(1);
    expect(badDay.errLines).toEqual(['loglake compact: --day must be YYYY-MM-DD, got 1 Nov']);
    const badTable = await run('compact', '--dir', dir, '--table', 'nope');
    expect(badTable.code).toBe(1);
    expect(badTable.errLines).toEqual(['loglake compact: no readready table named nope']);
  });
});
