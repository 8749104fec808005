import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { generate } from './generate.ts';
import type { GeneratedManifest, GenerateOptions } from './types.ts';

/**
 * Writes every generated file to `dir/<key>` (creating folders) and the manifest to
 * `dir/_manifest.json`. A doubled slash in a key becomes a single folder level on disk.
 *
 * @returns the complete manifest.
 * @throws RangeError when a key would land outside `dir` (a prefix with `..` in it).
 */
export async function generateToDirectory(
  dir: string,
  opts: GenerateOptions = {},
): Promise<GeneratedManifest> {
  const root = resolve(dir);
  const { files, manifest } = generate(opts);
  const made = new Set<string>();
  await mkdir(root, { recursive: true });
  for (const file of files) {
    const path = join(root, file.key);
    const rel = relative(root, path);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..') {
      throw new RangeError(`key ${JSON.stringify(file.key)} would be written outside ${root}`);
    }
    const folder = dirname(path);
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true });
      made.add(folder);
    }
    await writeFile(path, file.body);
  }
  await writeFile(join(root, '_manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
