export type { FileFilterConfig, ListFilter } from '../lake/config.ts';
export { type AcceptedKey, classifyKey, type SkippedKey } from './classify.ts';
export { decodeS3EventKey } from './decodeKey.ts';
export { addapartDeps, type DrainOptions, drainQueue } from './drainQueue.ts';
export { checkAccountRegion, checkLocation } from './filter.ts';
export {
  isObjectCreated,
  type ObjectNotice,
  type ParsedNotification,
  parseNotification,
} from './notifications.ts';
export { PartitionCache } from './partitionCache.ts';
export {
  type AddapartDeps,
  type AddapartStats,
  addapartBatch,
  addStats,
  type BatchOutcome,
  emptyAddapartStats,
  type InboundMessage,
} from './processBatch.ts';
