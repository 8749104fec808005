import type { Fetched } from '../../readLandedFile.ts';
import type { ChunkDecoder, ChunkOutcome, DecoderDeps, DecoderEntry } from '../chunkDecoder.ts';
import { closeChunk, type DecodeEngine, InProcessEngine } from './decodeEngine.ts';
import { WorkerEngine } from './workerEngine.ts';

/**
 * The JavaScript decoder: every file is read (`prefetch` reads in flight), then sniffed,
 * decompressed, cut, parsed, unwrapped by its envelope and projected into NDJSON spools, on the
 * calling thread or, with `workers > 1`, on worker threads.
 */
export function createJsDecoder(deps: DecoderDeps): ChunkDecoder {
  const { stages } = deps;
  const engine: DecodeEngine =
    deps.workers > 1
      ? WorkerEngine.start({
          workers: deps.workers,
          dir: deps.dir,
          sources: deps.sources,
          maxUncompressedBytes: deps.maxUncompressedBytes,
        })
      : new InProcessEngine(deps.dir, deps.maxUncompressedBytes);
  const depth = Math.max(deps.prefetch, deps.workers * 4);
  // Reading is I/O: keep `depth` reads in flight, and hand each file to the engine as it arrives.
  const decodeOne = async (fetched: Promise<Fetched>): Promise<ChunkOutcome> => {
    const t0 = performance.now();
    const f = await fetched;
    stages.readWaitMs += performance.now() - t0;
    if (!f.ok) return { file: f.file, compressed: 0, outcome: f.outcome };
    return {
      file: f.file,
      compressed: f.bytes.byteLength,
      outcome: await engine.decode(f.file.key, f.source, f.bytes),
    };
  };
  return {
    async decode(files, chunk, onFile) {
      const window: Promise<ChunkOutcome>[] = [];
      let next = 0;
      for (let done = 0; done < files.length; done++) {
        while (next < files.length && window.length < depth)
          window.push(decodeOne(deps.read(files[next++]!)));
        onFile(await window.shift()!);
      }
      return { spools: await closeChunk(engine, chunk.last, stages), sqlRows: [], duck: deps.duck };
    },
    abort: () => engine.abort(),
  };
}

/** The `js` entry of the decoder registry. */
export const jsDecoder: DecoderEntry = {
  summary: 'the JavaScript decoder does everything (worker threads with --workers)',
  // Its workers are threads inside the one decoder.
  lanes: () => 1,
  create: createJsDecoder,
};
