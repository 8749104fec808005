import { loadSources } from '../sources/loader.ts';
import type { LoglakeConfig } from './config.ts';
import { openEmbeddedLake } from './embedded/openEmbeddedLake.ts';
import type { Lake } from './lake.ts';

/**
 * The composition root: the one place that picks adapters by mode. Everything downstream takes a
 * {@link Lake} and never asks which mode it is in.
 */
export async function openLake(config: LoglakeConfig): Promise<Lake> {
  const sources = await loadSources(config.sourcesDirs, { overrides: config.sourceOverrides });
  switch (config.mode) {
    case 'embedded':
      return openEmbeddedLake(config, sources);
    case 'aws': {
      const { openAwsLake } = await import('./aws/openAwsLake.ts');
      return openAwsLake(config, sources);
    }
  }
}
