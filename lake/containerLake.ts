import { loadConfig } from './config.ts';
import type { Lake } from './lake.ts';
import { openLake } from './openLake.ts';

/**
 * Opens the lake of a Lambda container once, from `loadConfig()` (the environment), on first use,
 * and hands the same lake to every later invocation of that container. A failed open is not
 * remembered, so the next invocation tries again.
 */
export function containerLake(open: () => Promise<Lake> = () => openLake(loadConfig())): () => Promise<Lake> {
  let opened: Promise<Lake> | undefined;
  return () => {
    if (opened === undefined) {
      opened = open();
      opened.catch(() => {
        opened = undefined;
      });
    }
    return opened;
  };
}
