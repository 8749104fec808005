import { afterEach, describe, expect, it, vi } from 'vitest';
import { removeScratch } from '../../lake/scratch.ts';

describe('removeScratch', () => {
  afterEach(() => vi.restoreAllMocks());

  it('never throws, so a cleanup failure cannot hide the error that stopped the work', async () => {
    // prepare: a path the file system refuses outright
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((l: string) => lines.push(l));
    const work = async () => {
      try {
        throw new Error('the real failure');
      } finally {
        await removeScratch('/tmp/bad\u0000path');
      }
    };
    // act + assess
    await expect(work()).rejects.toThrow('the real failure');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'WARN', message: 'scratch folder not removed' });
  });
});
