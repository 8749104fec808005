import { join } from 'node:path';
import type { SourceDefinition } from '../sources/loader.ts';
import { type DecodeStages, decodeRawFile, emptyDecodeStages, type FileOutcome } from './decodeRawFile.ts';
import { projectorOf } from './projectors.ts';
import { Spool, type SpoolFile } from './spool.ts';

/** Decodes raw files into spool files: on the main thread, or on a pool of worker threads. */
export interface DecodeEngine {
  decode(key: string, source: SourceDefinition, bytes: Uint8Array): Promise<FileOutcome>;
  /** Closes the spools and returns their files, with the decode time per stage. */
  finish(): Promise<{ spools: SpoolFile[]; stages: DecodeStages }>;
  abort(): Promise<void>;
}

/** Decodes on the calling thread (gunzip still runs on libuv's pool, overlapping the parse). */
export class InProcessEngine implements DecodeEngine {
  readonly #spool: Spool;
  readonly #stages = emptyDecodeStages();

  constructor(
    dir: string,
    private readonly maxUncompressedBytes?: number,
  ) {
    this.#spool = new Spool(join(dir), 'main');
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
