import type { TransformEngine } from '../../lake/config.ts';
import type { DecoderEntry } from './chunkDecoder.ts';
import { jsDecoder } from './js/jsDecoder.ts';
import { sqlDecoder } from './sql/sqlDecoder.ts';

export type {
  ChunkDecoder,
  ChunkOutcome,
  ChunkRef,
  ChunkRows,
  DecoderDeps,
  DecoderEntry,
  SqlRows,
} from './chunkDecoder.ts';

/**
 * Every decoder a batch can run (`transform.engine` in config, `--engine` on the CLI), keyed by the
 * config's list of engines ({@link TransformEngine}), so a name without a decoder, or a decoder
 * without a name, does not compile. The CLI takes its choices and their help from here. To add a
 * decoder: a folder beside `js/` and `sql/` whose entry makes a {@link ChunkDecoder}, its name in
 * `TRANSFORM_ENGINES` (lake/config.ts), and one line here.
 */
export const DECODERS: Readonly<Record<TransformEngine, DecoderEntry>> = {
  duckdb: sqlDecoder,
  js: jsDecoder,
};

/** The decoder names, in registry order. */
export const DECODER_NAMES = Object.keys(DECODERS) as TransformEngine[];
