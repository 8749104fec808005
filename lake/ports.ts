/**
 * The four ports of loglake (DESIGN §3), plus the landing ledger. The core only ever talks to these
 * interfaces; embedded adapters (local folders, DuckDB) and AWS adapters (S3, Glue, SQS, Athena)
 * implement them, and configuration picks which.
 */
import type { Readable } from 'node:stream';

/** Metadata of one stored object. */
export interface ObjectInfo {
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
}

/** A bucket (or a folder standing in for one). Keys never start with `/`. */
export interface ObjectStore {
  /** Human-readable location, e.g. `s3://bucket/prefix` or a folder path. */
  readonly location: string;
  /** Reads a whole object. Throws {@link ObjectNotFoundError} when missing. */
  get(key: string): Promise<Uint8Array>;
  /** Streams an object; use for objects that may be large. */
  getStream(key: string): Promise<Readable>;
  /** Writes an object atomically: readers see the old object or the new one, never a half. */
  put(key: string, body: Uint8Array | string, opts?: PutOptions): Promise<void>;
  /** Uploads a local file (multipart on S3 for big outputs). */
  putFile(key: string, localPath: string, opts?: PutOptions): Promise<void>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Lists objects under a prefix in key order, paging transparently. */
  list(prefix: string, opts?: { startAfter?: string }): AsyncIterable<ObjectInfo>;
  delete(key: string): Promise<void>;
  /** A URI a query engine can read the key from (a file path, or `s3://…`). */
  uri(key: string): string;
  /** The local file holding an object, when the store is a local folder (DuckDB then reads it in place). */
  localPath?(key: string): string | undefined;
}

/**
 * The read side of an {@link ObjectStore}: what loglake may do with a source bucket, which it never
 * writes to. A source bucket is only ever handed out as this type, so a write does not compile.
 */
export type ReadOnlyObjectStore = Pick<
  ObjectStore,
  'location' | 'get' | 'getStream' | 'head' | 'list' | 'uri' | 'localPath'
>;

export interface PutOptions {
  contentType?: string;
}

/** Column types of the readready contract (DESIGN §4). */
export type ColumnType = 'string' | 'bigint' | 'double' | 'boolean' | 'timestamp';

export interface ColumnDef {
  name: string;
  type: ColumnType;
  comment?: string;
}

/** A catalog table, as the core describes it; adapters map it to Glue or to the local catalog. */
export interface TableDef {
  database: string;
  name: string;
  /** Location of the table's data, e.g. `s3://raw-bucket/` or a folder path. */
  location: string;
  format: 'parquet' | 'json';
  columns: ColumnDef[];
  partitionKeys: ColumnDef[];
  /** Free-form table parameters (e.g. `loglake.source`, `classification`). */
  parameters?: Record<string, string>;
}

export interface PartitionSpec {
  /** Values in the order of the table's partition keys. */
  values: string[];
  location: string;
}

export interface CreatePartitionsResult {
  created: number;
  /** Partitions that already existed: success, because registration is idempotent. */
  existing: number;
  failed: { values: string[]; error: Error }[];
  /** Catalog write calls made (BatchCreatePartition requests, or local transactions). */
  writeCalls: number;
}

/** Databases, tables and partitions: Glue Data Catalog, or a local DuckDB file. */
export interface Catalog {
  ensureDatabase(name: string): Promise<void>;
  /** Creates the table, or updates it to the definition given. */
  ensureTable(def: TableDef): Promise<void>;
  getTable(database: string, name: string): Promise<TableDef | undefined>;
  listTables(database: string): Promise<TableDef[]>;
  /** Registers partitions; ones that exist count as `existing`. */
  createPartitions(
    database: string,
    table: string,
    partitions: PartitionSpec[],
  ): Promise<CreatePartitionsResult>;
  listPartitions(database: string, table: string): Promise<PartitionSpec[]>;
  /** Points an existing partition at a new location (compaction generations). */
  updatePartitionLocation(database: string, table: string, values: string[], location: string): Promise<void>;
}

/** A message from the landing-notification queue. */
export interface QueueMessage {
  messageId: string;
  body: string;
  /** Opaque handle used to ack or release; SQS receipt handle or a local id. */
  receipt: string;
  receiveCount: number;
}

/** The queue of S3-event-shaped landing notifications (SQS, or a local spool). */
export interface NotificationQueue {
  send(bodies: string[]): Promise<void>;
  /**
   * Receives up to `max` messages; they stay invisible until acked or released. `signal` aborts a
   * long poll (a stopping poller).
   */
  receive(
    max: number,
    opts?: { waitSeconds?: number; visibilitySeconds?: number; signal?: AbortSignal },
  ): Promise<QueueMessage[]>;
  ack(messages: QueueMessage[]): Promise<void>;
  /** Makes messages visible again (failed items go back for another try). */
  release(messages: QueueMessage[]): Promise<void>;
  /** Approximate count of messages waiting. */
  depth(): Promise<number>;
  /** Keeps received messages invisible for `seconds` more (SQS ChangeMessageVisibility), during long work. */
  extendVisibility?(messages: QueueMessage[], seconds: number): Promise<void>;
}

/** One query result with typed rows. */
export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
}

/** Runs SQL over the catalog's tables: DuckDB embedded, Athena on AWS. */
export interface QueryEngine {
  /** Runs a statement; `params` are bound positionally to `?` placeholders, never spliced. */
  query(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<QueryResult>;
  close(): Promise<void>;
}

/** A raw file that addapart accepted and transform has yet to process. */
export interface LandedFile {
  /** The bucket the file landed in (as notifications name it); with `key`, the file's identity. */
  bucket: string;
  key: string;
  source: string;
  size: number;
  etag?: string;
  /** Raw partition values, in the source's partition-key order. */
  partition: string[];
}

/** A bounded batch of landed files that one transform run owns. */
export interface Claim {
  batchId: string;
  files: LandedFile[];
  /**
   * Batches whose outputs this claim replaces: the batch it was split from (their partial outputs
   * are removed before it runs), or its own id when it is a replay (outputs it no longer writes are
   * removed after it succeeds). Absent for a first claim.
   */
  supersedes?: string[];
}

/** A batch the ledger stopped retrying: it failed `maxAttempts` times and holds a single file, or crashed. */
export interface SetAsideBatch {
  batchId: string;
  files: LandedFile[];
  attempts: number;
  /** The last error (cut short; never event contents). */
  error: string;
  setAsideAt: string;
}

/** Which finished or set-aside batches `replay` opens again. */
export interface ReplaySelection {
  /** Re-open every set-aside batch. */
  setAside?: boolean;
  /** Re-open the done batches holding a file this matches (quarantined keys, a source, a day range). */
  match?: (file: LandedFile) => boolean;
}

/** What `replay` re-opened. */
export interface ReplayResult {
  batches: string[];
  files: number;
}

/** Tracks landed files through transform, so a re-delivery never duplicates work. */
export interface Ledger extends FailureLedger {
  /** Records landed files; a key already recorded is a no-op. Returns how many were new. */
  record(files: LandedFile[]): Promise<number>;
  /**
   * Claims a bounded batch. An unfinished claim (a crashed run) is returned again, with the same
   * files and id, so its re-run overwrites the same outputs; except those in `held`, claims the
   * caller is still publishing (a ledger with leases does not hand out a held claim anyway).
   */
  claim(opts: { maxFiles: number; maxBytes: number; held?: ReadonlySet<string> }): Promise<Claim | undefined>;
  /** Marks a claim's files done. */
  complete(batchId: string): Promise<void>;
  counts(): Promise<{ pending: number; claimed: number; done: number }>;
  close(): Promise<void>;
}

/**
 * The failure side of the ledger (DESIGN §9 "a poison batch never holds back the lake"). A claim
 * that failed is given back as it is up to `maxAttempts` times; after that, a batch of several
 * files is split in two halves (new claims that supersede it) and a single file is set aside, so
 * later landings always flow and only poison files end set aside.
 */
export interface FailureLedger {
  /** Records that a claim's run failed, so the next `claim` retries, splits or sets it aside. */
  fail(batchId: string, error: string): Promise<void>;
  /** The batches set aside, oldest first. */
  listSetAside(): Promise<SetAsideBatch[]>;
  /**
   * Re-opens whole batches, with their original ids and files, so a re-run overwrites their
   * outputs (no duplicate rows). Idempotent: a batch already open is left as it is.
   */
  replay(selection: ReplaySelection): Promise<ReplayResult>;
}
