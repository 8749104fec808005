export type {
  FileCounts,
  QuarantinedFile,
  RunManifest,
  SourceTotals,
  TransformStages,
} from '../lake/runManifest.ts';
export {
  type ClaimLoopOptions,
  type ClaimLoopResult,
  processClaims,
  TransformStalledError,
} from './claimLoop.ts';
export { type DecodeEngine, InProcessEngine } from './decodeEngine.ts';
export {
  type DecodedFile,
  decodeFile,
  decodeText,
  type EventQuarantine,
} from './decodeFile.ts';
export { decodeRawFile, type FileOutcome } from './decodeRawFile.ts';
export { type Compression, decompress, sniffCompression } from './decompress.ts';
export {
  compilePath,
  compileProjector,
  type Event,
  type Projection,
  type Projector,
} from './project.ts';
export { fileDay, quarantinedKeys, type ReplayRequest, replay } from './replay.ts';
export {
  addTotals,
  type RunTransformOptions,
  runTransform,
  type TransformSummary,
  transformContext,
} from './runTransform.ts';
export { splitConcatenated } from './splitConcatenated.ts';
export { Spool, type SpoolFile } from './spool.ts';
export {
  emptyStages,
  emptyTotals,
  isReconciled,
  outputKey,
  quarantineKey,
  type TransformContext,
  type TransformOptions,
  transformBatch,
} from './transformBatch.ts';
export { WorkerEngine } from './workerEngine.ts';
export { type ParquetOutput, writeParquet } from './writeParquet.ts';
