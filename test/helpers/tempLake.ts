import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type LoglakeConfigInput } from '../../lake/config.ts';
import type { Lake } from '../../lake/lake.ts';
import { openLake } from '../../lake/openLake.ts';

/** A fresh embedded lake in a temporary folder; `done()` closes and removes it. */
export async function tempLake(
  overrides: LoglakeConfigInput = {},
): Promise<{ lake: Lake; dir: string; done(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'loglake-test-'));
  const config = configSchema.parse({ ...overrides, mode: 'embedded', embedded: { dir } });
  const lake = await openLake(config);
  return {
    lake,
    dir,
    async done() {
      await lake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Reopens the lake in `dir` (a new process would do the same). */
export async function reopenLake(dir: string, overrides: LoglakeConfigInput = {}): Promise<Lake> {
  return openLake(configSchema.parse({ ...overrides, mode: 'embedded', embedded: { dir } }));
}
