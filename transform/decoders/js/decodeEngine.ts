import type { TransformStages } from '../../../lake/runManifest.ts';
import type { SourceDefinition } from '../../../sources/loader.ts';
import { addStages } from '../../accounting.ts';
import { type DecodeStages, decodeRawFile, emptyDecodeStages, type FileOutcome } from './decodeRawFile.ts';
import { projectorOf } from './projectors.ts';
import { Spool, type SpoolFile } from './spool.ts';

/** Decodes raw files into spool files: on the main thread, or on a pool of worker threads. */
export interface DecodeEngine {
  decode(key: string, source: SourceDefinition, bytes: Uint8Array): Promise<FileOutcome>;
  /**
   * Closes the current spools and returns their files; later files go to new spools. Lets the
   * Parquet writer work on one chunk while the next one decodes.
   */
  rotate(): Promise<SpoolFile[]>;
  /** Closes the spools and the engine; returns the last spool files and the decode time per stage. */
  finish(): Promise<{ spools: SpoolFile[]; stages: DecodeStages }>;
  abort(): Promise<void>;
}

/** Decodes on the calling thread (gunzip still runs on libuv's pool, overlapping the parse). */
export class InProcessEngine implements DecodeEngine {
  #spool: Spool;
  #generation = 0;
  readonly #stages = emptyDecodeStages();

  constructor(
    private readonly dir: string,
    private readonly maxUncompressedBytes?: number,
  ) {
    this.#spool = new Spool(dir, 'main-0');
  }

  async rotate(): Promise<SpoolFile[]> {
    const done = this.#spool;
    this.#spool = new Spool(this.dir, `main-${++this.#generation}`);
    return done.close();
  }

  decode(key: string, source: SourceDefinition, bytes: Uint8Array): Promise<FileOutcome> {
    return decodeRawFile(this.#spool, key, source, projectorOf(source), bytes, {
      maxUncompressedBytes: this.maxUncompressedBytes,
      stages: this.#stages,
    });
  }

  async finish(): Promise<{ spools: SpoolFile[]; stages: DecodeStages }> {
    return { spools: await this.#spool.close(), stages: this.#stages };
  }

  abort(): Promise<void> {
    return this.#spool.abort();
  }
}

/**
 * Closes a chunk's spools and returns their files: the engine rotates to new spools, or, after the
 * last chunk, finishes and adds its decode time per stage to `stages`.
 */
export async function closeChunk(
  engine: DecodeEngine,
  last: boolean,
  stages: TransformStages,
): Promise<SpoolFile[]> {
  if (!last) return engine.rotate();
  const end = await engine.finish();
  addStages(stages, end.stages);
  return end.spools;
}
