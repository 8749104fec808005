import { loadSources } from '../sources/loader.ts';
import type { LoglakeConfig } from './config.ts';
import { openEmbeddedLake } from './embedded/openEmbeddedLake.ts';
import type { Lake } from './lake.ts';

/**
 * The composition root: the one place that picks adapters by mode. Everything downstream takes a
 * {@link Lake} and never asks which mode it is in.
 */
export async function openLake(
  config: LoglakeConfig,
  opts: {
    /** Embedded: told when another process holds the catalog file and this one waits (the CLI prints it). */
    onCatalogWait?: (message: string) => void;
  } = {},
): Promise<Lake> {
  const sources = await loadSources(config.sourcesDirs, { overrides: config.sourceOverrides });
  switch (config.mode) {
    case 'embedded':
      return openEmbeddedLake(config, sources, opts);
    case 'aws': {
      const { openAwsLake } = await import('./aws/openAwsLake.ts');
      return openAwsLake(config, sources);
    }
  }
}
