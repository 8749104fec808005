export { type Compression, decompress, sniffCompression } from './decompress.ts';
export { type DecodedFile, decodeFile, decodeText, type EventQuarantine, type FileCounts } from './decodeFile.ts';
export { ParquetSink, type SinkOutput } from './parquetSink.ts';
export { compilePath, compileProjector, type Event, type Projection, type Projector, readreadyColumns } from './project.ts';
export { addTotals, emptySourceTotals, type RunTransformOptions, runTransform, type TransformSummary, transformContext } from './runTransform.ts';
export { splitConcatenated } from './splitConcatenated.ts';
export {
  isReconciled,
  outputKey,
  quarantineKey,
  type RunManifest,
  type SourceTotals,
  type TransformContext,
  type TransformOptions,
  transformBatch,
} from './transformBatch.ts';
