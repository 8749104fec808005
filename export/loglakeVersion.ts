import { readFileSync } from 'node:fs';

/** loglake's version, from its package.json (the export manifest records it). */
export function loglakeVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}
