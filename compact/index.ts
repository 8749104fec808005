/** Compaction of readready partitions into sorted, larger files in new generations (DESIGN §9). */

export { type GenerationManifest, manifestKey, readManifest } from '../lake/generationManifest.ts';
export {
  type Generation,
  generation,
  generationOfLocation,
  listGeneration,
  partitionPrefix,
} from '../lake/generations.ts';
export { publishedGenerationFiles } from '../lake/publishedGeneration.ts';
export { carryOver } from './carryOver.ts';
export { type CollectOutcome, collectGeneration } from './collectGeneration.ts';
export { type CompactSelection, compactLake } from './compactLake.ts';
export {
  type CompactContext,
  CompactionError,
  type CompactOptions,
  compactPartition,
  DEFAULT_GRACE_MS,
  DEFAULT_TARGET_BYTES,
  DEFAULT_ZSTD_LEVEL,
  type PartitionReport,
} from './compactPartition.ts';
export { type PartitionLocation, partitionLocationFor } from './partitionLocationFor.ts';
export { type ExtractReport, type RebuildContext, rebuildExtracts } from './rebuildExtracts.ts';
export { sortColumnsFor } from './sortColumns.ts';
