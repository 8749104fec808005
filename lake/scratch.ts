import { rm } from 'node:fs/promises';
import { errorMessage } from './errors.ts';

/**
 * Removes a scratch folder without ever throwing: it runs in `finally` blocks, where a cleanup
 * failure (EROFS, EBUSY, …) would otherwise replace the error that really stopped the work. A
 * failure is reported on stderr as one JSON line instead.
 */
export async function removeScratch(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (err) {
    console.error(
      JSON.stringify({ level: 'WARN', message: 'scratch folder not removed', dir, error: errorMessage(err) }),
    );
  }
}
