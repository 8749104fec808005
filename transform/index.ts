export type { TransformEngine } from '../lake/config.ts';
export type {
  FileCounts,
  QuarantinedFile,
  RunManifest,
  SourceTotals,
  TransformStages,
} from '../lake/runManifest.ts';
export {
  addCounts,
  addStages,
  addTotals,
  emptyCounts,
  emptyStages,
  emptyTotals,
  isReconciled,
  RunAccount,
} from './accounting.ts';
export {
  type ClaimLoopOptions,
  type ClaimLoopResult,
  processClaims,
  TransformStalledError,
} from './claimLoop.ts';
export {
  type ChunkDecoder,
  type ChunkOutcome,
  type ChunkRef,
  type ChunkRows,
  DECODER_NAMES,
  DECODERS,
  type DecoderDeps,
  type DecoderEntry,
} from './decoders/index.ts';
export { type DecodeEngine, InProcessEngine } from './decoders/js/decodeEngine.ts';
export {
  type DecodedFile,
  decodeFile,
  decodeText,
  type EventQuarantine,
} from './decoders/js/decodeFile.ts';
export { decodeRawFile, type FileOutcome } from './decoders/js/decodeRawFile.ts';
export { type Compression, decompress, sniffCompression } from './decoders/js/decompress.ts';
export {
  compilePath,
  compileProjector,
  type Event,
  type Projection,
  type Projector,
} from './decoders/js/project.ts';
export { splitConcatenated } from './decoders/js/splitConcatenated.ts';
export { Spool, type SpoolFile } from './decoders/js/spool.ts';
export { WorkerEngine } from './decoders/js/workerEngine.ts';
export { ENVELOPES, type Envelope, envelopeOf } from './envelopes/index.ts';
export { fileDay, quarantinedKeys, type ReplayRequest, replay } from './replay.ts';
export {
  type RunTransformOptions,
  runTransform,
  type TransformSummary,
  transformContext,
} from './runTransform.ts';
export { outputKey, outputName } from './sinks/parquet/outputName.ts';
export { type ParquetSinkContext, parquetSink } from './sinks/parquet/parquetSink.ts';
export { type ExtractDef, extractsByTable, writeExtracts } from './sinks/parquet/writeExtracts.ts';
export { type ParquetOutput, writeParquet } from './sinks/parquet/writeParquet.ts';
export type {
  PublishedOutput,
  ReadreadyOutput,
  ReadreadySink,
  SinkBatch,
} from './sinks/readreadySink.ts';
export {
  DEFAULT_MAX_RAW_OBJECT_BYTES,
  type StagedBatch,
  stageBatch,
  type TransformContext,
  type TransformOptions,
  transformBatch,
} from './transformBatch.ts';
export { quarantineKey, type RunRecordInput, writeRunRecord } from './writeRunRecord.ts';
