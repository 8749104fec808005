import type { SourceDefinition } from '../../../sources/loader.ts';
import type { DecodeStages, FileOutcome } from './decodeRawFile.ts';
import type { SpoolFile } from './spool.ts';

/** What a decode worker starts with. Source definitions cross by structured clone (RegExps included). */
export interface WorkerData {
  id: number;
  dir: string;
  sources: SourceDefinition[];
  maxUncompressedBytes?: number;
}

export type WorkerRequest =
  | { type: 'decode'; seq: number; key: string; source: string; bytes: ArrayBuffer }
  | { type: 'rotate' }
  | { type: 'finish' }
  | { type: 'abort' };

export type WorkerReply =
  | { type: 'decoded'; seq: number; outcome: FileOutcome }
  | { type: 'failed'; seq: number; message: string }
  | { type: 'rotated'; spools: SpoolFile[] }
  | { type: 'finished'; spools: SpoolFile[]; stages: DecodeStages }
  | { type: 'aborted' };
