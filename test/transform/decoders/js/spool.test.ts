import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool } from '../../../../transform/decoders/js/spool.ts';

describe('Spool', () => {
  it('keeps every line when many appends to a new group race', async () => {
    const spool = new Spool(await mkdtemp(join(tmpdir(), 'spool-')));
    const cols = [{ name: 'a', type: 'string' as const }];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        spool.append('t', '2026-11-01', cols, [`{"a":"${i}-x"}`, `{"a":"${i}-y"}`]),
      ),
    );
    const [file] = await spool.close();
    expect(file?.rows).toBe(100);
    const lines = (await readFile(file!.path, 'utf8')).trim().split('\n');
    expect(new Set(lines).size).toBe(100);
  });
});
