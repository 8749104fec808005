import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Total size and count of the files under `dir` whose names end in `suffix` (0 when it is missing). */
export async function dirBytes(dir: string, suffix = '.parquet'): Promise<{ bytes: number; files: number }> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch {
    return { bytes: 0, files: 0 };
  }
  let bytes = 0;
  let files = 0;
  for (const e of entries) {
    if (!e.endsWith(suffix)) continue;
    const s = await stat(join(dir, e));
    if (!s.isFile()) continue;
    bytes += s.size;
    files++;
  }
  return { bytes, files };
}
