/**
 * The benchmark harness (DESIGN §12): loglake's transform against DuckDB doing the same job
 * natively and a naive baseline, multi-core scaling, auditor queries on readready against raw,
 * addapart efficiency, scaling over input sizes, and a cost estimate. `loglake bench` is a thin shell
 * over {@link runBench}.
 */
export { checkTargets } from './checkTargets.ts';
export { CHECKSUM_COLUMNS, compareChecksums } from './compareChecksums.ts';
export { CountingCatalog } from './countingCatalog.ts';
export { DEFAULT_WORKLOAD, estimateCost, PRICE_ASSUMPTIONS } from './estimateCost.ts';
export { machineInfo } from './machineInfo.ts';
export { MemoryLedger } from './memoryLedger.ts';
export { nativeCopy, nativeSelect } from './nativeSql.ts';
export { type Dataset, prepareDataset } from './prepareDataset.ts';
export { renderMarkdown } from './renderMarkdown.ts';
export { renderSummary } from './renderSummary.ts';
export { renderSvg } from './renderSvg.ts';
export { runAddapartBench } from './runAddapartBench.ts';
export { type BenchOptions, NAMED_SIZES, parseSizes, runBench } from './runBench.ts';
export { AUDITOR_QUERIES, runQueries } from './runQueries.ts';
export type * from './types.ts';
export { writeResults } from './writeResults.ts';
