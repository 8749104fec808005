import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnType, LandedFile } from '../../lake/ports.ts';
import type { TransformStages } from '../../lake/runManifest.ts';
import type { SourceDefinition } from '../../sources/loader.ts';
import type { Fetched } from '../readLandedFile.ts';
import type { FileOutcome } from './js/decodeRawFile.ts';
import type { SpoolFile } from './js/spool.ts';

/** One file's outcome, as the batch accounts it. */
export interface ChunkOutcome {
  file: LandedFile;
  /** Stored bytes read (0 when the file was not read). */
  compressed: number;
  outcome: FileOutcome;
}

/** One day's rows of a chunk that the SQL decoder wrote to Parquet itself (columns exactly the table's). */
export interface DayFile {
  calendarday: string;
  path: string;
  rows: number;
}

/**
 * Rows the SQL decoder projected: in a DuckDB temporary table with a `calendarday` column
 * (`rowsTable`), or already written as Parquet files of one day each (`days`).
 */
export type SqlRows = {
  table: string;
  columns: { name: string; type: ColumnType }[];
} & ({ rowsTable: string; days?: undefined } | { days: DayFile[]; rowsTable?: undefined });

/**
 * The readready rows of one chunk, ready for the sink: NDJSON spool files (one table and day each),
 * rows left in DuckDB temporary tables and Parquet files of one day each. The sink owns them from here
 * (it deletes them all).
 */
export interface ChunkRows {
  spools: SpoolFile[];
  sqlRows: SqlRows[];
  /**
   * The connection the chunk was decoded on: temporary tables live in one connection only, so the
   * sink reads `sqlRows` (and writes) through this one.
   */
  duck: DuckDBConnection;
}

/** Where a chunk sits in its batch. */
export interface ChunkRef {
  /** Position of the chunk in the batch (chunks are cut by position in the key-ordered batch). */
  index: number;
  /** No chunk follows: the decoder closes after it. */
  last: boolean;
}

/** What a decoder gets from the batch it works for. */
export interface DecoderDeps {
  batchId: string;
  sources: readonly SourceDefinition[];
  /** The DuckDB connection of the decoder's lane, which the sink's writes of its chunks share. */
  duck: DuckDBConnection;
  /** Resolves when the sink is not using `duck` (its write of the lane's chunk before is done). */
  duckIdle(): Promise<void>;
  /** Scratch folder of the batch; nothing DuckDB reads may lie outside it, and it never looks like a pattern. */
  dir: string;
  /** Reads a landed file from its bucket's store, or says why it cannot be read. */
  read(file: LandedFile): Promise<Fetched>;
  /** The local file of a landed file, when its bucket is a local folder. */
  localPath(file: LandedFile): string | undefined;
  /** Files read ahead of the one being decoded. */
  prefetch: number;
  /** Worker threads of a decoder that has them (lanes are the batch's: {@link DecoderEntry.lanes}). */
  workers: number;
  maxUncompressedBytes: number;
  maxRawObjectBytes: number;
  /** Where the time goes; decoders add their read waits and decode stages. */
  stages: TransformStages;
}

/**
 * The seam between a batch and the decoder that turns its raw files into readready rows. The batch
 * hands over its files chunk by chunk, in key order; the decoder reports each file's outcome as it
 * is known (decoded with counts, or quarantined with a reason) and returns the chunk's rows. Every
 * file of a chunk gets exactly one outcome.
 */
export interface ChunkDecoder {
  decode(
    files: readonly LandedFile[],
    chunk: ChunkRef,
    onFile: (o: ChunkOutcome) => void,
  ): Promise<ChunkRows>;
  /** Drops whatever it holds, after a failure. */
  abort(): Promise<void>;
}

/** A decoder of the registry: what it is for, and how to make one for a batch. */
export interface DecoderEntry {
  /** One line for `--engine` help. */
  summary: string;
  /**
   * How many chunks of a batch to decode at once, each by its own decoder on its own DuckDB
   * connection (a lane), given the `workers` setting: a decoder that parallelises inside itself
   * (worker threads) says 1.
   */
  lanes(workers: number): number;
  create(deps: DecoderDeps): ChunkDecoder;
}
