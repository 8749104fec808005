import type { RunManifest } from '../../lake/runManifest.ts';
import type { ChunkRows } from '../decoders/chunkDecoder.ts';

/** One object a batch published into a readready (or extract) table, as its run manifest lists it. */
export type PublishedOutput = RunManifest['outputs'][number];

/** Which batch an output belongs to, and where it may keep local files until it commits. */
export interface SinkBatch {
  batchId: string;
  /** The batch's scratch folder (removed after the run, whatever happened). */
  dir: string;
}

/**
 * The port through which a batch's readready rows reach the lake: {@link ReadreadySink.begin} opens
 * a batch's output, {@link ReadreadyOutput.write} takes each chunk's rows, and
 * {@link ReadreadyOutput.commit} makes all of them visible to readers at once (and only then is
 * the run manifest written, the commit record readers go by). Output names must be a function of
 * the batch (its id) only, so a re-run overwrites what an earlier attempt published. The first
 * adapter is Hive-partitioned Parquet plus catalog partitions (`sinks/parquet/`); another table
 * format is another adapter of this port.
 */
export interface ReadreadySink {
  begin(batch: SinkBatch): ReadreadyOutput;
}

/** One batch's output, written chunk by chunk, published by {@link commit}. */
export interface ReadreadyOutput {
  /**
   * Writes one chunk's rows; the sink owns them from here (it removes spool files and temporary
   * tables it has read). Called once per chunk, through the connection the rows name
   * (`rows.duck`): writes of different chunks may run at the same time on different connections
   * (the batch's lanes), never two on one, and may run while another chunk decodes.
   */
  write(rows: ChunkRows, chunk: number): Promise<void>;
  /** Publishes everything written, and says what, for the run manifest. */
  commit(): Promise<PublishedOutput[]>;
}
