import {
  BatchCreatePartitionCommand,
  type Column,
  CreateDatabaseCommand,
  CreatePartitionIndexCommand,
  type CreatePartitionIndexCommandInput,
  CreateTableCommand,
  GetPartitionIndexesCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  type GlueClient,
  type PartitionInput,
  type StorageDescriptor,
  type Table,
  type TableInput,
  UpdatePartitionCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';

import { distinctPartitions, partitionKey } from '../distinctPartitions.ts';
import { chunk } from '../embedded/duckdbFile.ts';
import { CatalogError, errorMessage } from '../errors.ts';
import type {
  Catalog,
  ColumnDef,
  ColumnType,
  CreatePartitionsResult,
  PartitionSpec,
  TableDef,
} from '../ports.ts';
import { awsErrorName, isAwsError, THROTTLING_ERRORS } from './awsError.ts';
import { backoffDelay, type RetryOptions, sleep, withRetry } from './retry.ts';

/** Glue storage formats of the three kinds of table loglake registers. */
export const GLUE_FORMATS = {
  parquet: {
    InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    SerdeInfo: {
      SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      Parameters: { 'serialization.format': '1' },
    },
  },
  cloudtrail: {
    InputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    SerdeInfo: {
      SerializationLibrary: 'com.amazon.emr.hive.serde.CloudTrailSerde',
      Parameters: { 'serialization.format': '1' },
    },
  },
  json: {
    InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    SerdeInfo: {
      SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
      Parameters: { 'ignore.malformed.json': 'true' },
    },
  },
} as const satisfies Record<string, Pick<StorageDescriptor, 'InputFormat' | 'OutputFormat' | 'SerdeInfo'>>;

/** Name of the partition index on readready `calendarday`. */
export const CALENDARDAY_INDEX = 'calendarday_idx';

/** Errors retried with jittered backoff, for a whole call and for one entry of a batch. */
export const GLUE_RETRYABLE = [...THROTTLING_ERRORS, 'ConcurrentModificationException'] as const;

const isRetryable = (err: unknown) => isAwsError(err, ...GLUE_RETRYABLE);

const COLUMN_TYPES: readonly ColumnType[] = ['string', 'bigint', 'double', 'boolean', 'timestamp'];

/** Options of {@link GlueCatalog}; every field has a default. */
export interface GlueCatalogOptions extends RetryOptions {
  /** Create the readready `calendarday` partition index. Default true. */
  partitionIndexes?: boolean;
  /** Where warnings go (a partition index the service does not support). Default `console.warn` as JSON. */
  warn?: (message: string, context: Record<string, unknown>) => void;
}

/**
 * The Glue Data Catalog as a {@link Catalog}. Tables get Hive SerDes that Athena reads (Parquet for
 * readready; CloudTrailSerde or the OpenX JSON SerDe for raw). Partitions copy the table's storage
 * descriptor with their own location, registered with BatchCreatePartition in chunks of 100, where an
 * existing partition is success and throttling or concurrent modification is retried with jittered
 * exponential backoff, per call and per entry. A partition that still fails is reported alone.
 */
export class GlueCatalog implements Catalog {
  readonly #opts: GlueCatalogOptions;
  readonly #tables = new Map<string, Promise<StorageDescriptor>>();
  /** BatchCreatePartition requests made, retries included. */
  writeCalls = 0;

  constructor(
    readonly client: GlueClient,
    opts: GlueCatalogOptions = {},
  ) {
    this.#opts = opts;
  }

  #warn(message: string, context: Record<string, unknown>): void {
    if (this.#opts.warn) this.#opts.warn(message, context);
    else console.warn(JSON.stringify({ level: 'WARN', message, ...context }));
  }

  #retry<T>(fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, isRetryable, this.#opts);
  }

  async ensureDatabase(name: string): Promise<void> {
    try {
      await this.#retry(() =>
        this.client.send(
          new CreateDatabaseCommand({ DatabaseInput: { Name: name, Description: 'loglake' } }),
        ),
      );
    } catch (err) {
      if (!isAwsError(err, 'AlreadyExistsException'))
        throw catalogError('CreateDatabase', { database: name }, err);
    }
  }

  async ensureTable(def: TableDef): Promise<void> {
    const input = tableInput(def);
    this.#tables.delete(`${def.database}.${def.name}`);
    try {
      await this.#retry(() =>
        this.client.send(new CreateTableCommand({ DatabaseName: def.database, TableInput: input })),
      );
    } catch (err) {
      if (!isAwsError(err, 'AlreadyExistsException')) {
        throw catalogError('CreateTable', { database: def.database, table: def.name }, err);
      }
      try {
        await this.#retry(() =>
          this.client.send(new UpdateTableCommand({ DatabaseName: def.database, TableInput: input })),
        );
      } catch (cause) {
        throw catalogError('UpdateTable', { database: def.database, table: def.name }, cause);
      }
    }
    if (this.#opts.partitionIndexes !== false && def.partitionKeys.some((k) => k.name === 'calendarday')) {
      await this.#ensureCalendardayIndex(def.database, def.name);
    }
  }

  /**
   * A partition index makes Athena prune `calendarday` in the catalog instead of listing every
   * partition. It is an optimisation: where the service refuses it (moto answers 500; an account may
   * hit its index limit), the table works without it, so a failure is logged and ignored.
   */
  async #ensureCalendardayIndex(database: string, table: string): Promise<void> {
    try {
      const existing = await this.client.send(
        new GetPartitionIndexesCommand({ DatabaseName: database, TableName: table }),
      );
      if (existing.PartitionIndexDescriptorList?.some((d) => d.IndexName === CALENDARDAY_INDEX)) return;
      await this.client.send(new CreatePartitionIndexCommand(partitionIndexInput(database, table)));
    } catch (err) {
      if (isAwsError(err, 'AlreadyExistsException')) return;
      this.#warn('partition index not created; the table works without it', {
        database,
        table,
        index: CALENDARDAY_INDEX,
        error: awsErrorName(err) ?? errorMessage(err),
      });
    }
  }

  async getTable(database: string, name: string): Promise<TableDef | undefined> {
    try {
      const out = await this.#retry(() =>
        this.client.send(new GetTableCommand({ DatabaseName: database, Name: name })),
      );
      return out.Table ? tableDefOf(database, out.Table) : undefined;
    } catch (err) {
      if (isAwsError(err, 'EntityNotFoundException')) return undefined;
      throw catalogError('GetTable', { database, table: name }, err);
    }
  }

  async listTables(database: string): Promise<TableDef[]> {
    const out: TableDef[] = [];
    let token: string | undefined;
    do {
      const page = await this.#retry(() =>
        this.client.send(new GetTablesCommand({ DatabaseName: database, NextToken: token })),
      );
      for (const t of page.TableList ?? []) out.push(tableDefOf(database, t));
      token = page.NextToken || undefined;
    } while (token !== undefined);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The table's storage descriptor, fetched once per table and cached. */
  #storageDescriptor(database: string, table: string): Promise<StorageDescriptor> {
    const id = `${database}.${table}`;
    let sd = this.#tables.get(id);
    if (sd === undefined) {
      sd = this.#retry(() =>
        this.client.send(new GetTableCommand({ DatabaseName: database, Name: table })),
      ).then(
        (out) => {
          const s = out.Table?.StorageDescriptor;
          if (!s) throw new CatalogError(`table ${id} has no storage descriptor`, { database, table });
          return s;
        },
        (err) => {
          throw catalogError('GetTable', { database, table }, err);
        },
      );
      sd.catch(() => this.#tables.delete(id));
      this.#tables.set(id, sd);
    }
    return sd;
  }

  async createPartitions(
    database: string,
    table: string,
    partitions: PartitionSpec[],
  ): Promise<CreatePartitionsResult> {
    const result: CreatePartitionsResult = { created: 0, existing: 0, failed: [], writeCalls: 0 };
    if (partitions.length === 0) return result;
    const { unique, repeats } = distinctPartitions(partitions);
    result.existing += repeats;
    const sd = await this.#storageDescriptor(database, table);
    const { maxAttempts = 6 } = this.#opts;
    const wait = this.#opts.sleep ?? sleep;
    for (const part of chunk(unique, 100)) {
      let todo = part;
      for (let attempt = 1; todo.length > 0; attempt++) {
        result.writeCalls++;
        this.writeCalls++;
        let errors: Map<string, { code: string; message: string }>;
        try {
          const out = await this.client.send(
            new BatchCreatePartitionCommand({
              DatabaseName: database,
              TableName: table,
              PartitionInputList: todo.map((p) => partitionInput(sd, p.values, p.location)),
            }),
          );
          errors = new Map(
            (out.Errors ?? []).map((e) => [
              partitionKey(e.PartitionValues ?? []),
              { code: e.ErrorDetail?.ErrorCode ?? 'Unknown', message: e.ErrorDetail?.ErrorMessage ?? '' },
            ]),
          );
        } catch (err) {
          if (isRetryable(err) && attempt < maxAttempts) {
            await wait(backoffDelay(attempt, this.#opts));
            continue;
          }
          const error = catalogError('BatchCreatePartition', { database, table, attempts: attempt }, err);
          for (const p of todo) result.failed.push({ values: p.values, error });
          break;
        }
        const retry: PartitionSpec[] = [];
        for (const p of todo) {
          const e = errors.get(partitionKey(p.values));
          if (e === undefined) result.created++;
          else if (e.code === 'AlreadyExistsException') result.existing++;
          else if ((GLUE_RETRYABLE as readonly string[]).includes(e.code) && attempt < maxAttempts)
            retry.push(p);
          else {
            result.failed.push({
              values: p.values,
              error: new CatalogError(`BatchCreatePartition entry failed: ${e.code}: ${e.message}`, {
                database,
                table,
                values: p.values,
                code: e.code,
                attempts: attempt,
              }),
            });
          }
        }
        todo = retry;
        if (todo.length > 0) await wait(backoffDelay(attempt, this.#opts));
      }
    }
    return result;
  }

  async listPartitions(database: string, table: string): Promise<PartitionSpec[]> {
    const out: PartitionSpec[] = [];
    let token: string | undefined;
    do {
      const page = await this.#retry(() =>
        this.client.send(
          new GetPartitionsCommand({ DatabaseName: database, TableName: table, NextToken: token }),
        ),
      );
      for (const p of page.Partitions ?? []) {
        out.push({ values: p.Values ?? [], location: p.StorageDescriptor?.Location ?? '' });
      }
      token = page.NextToken || undefined;
    } while (token !== undefined);
    return out.sort((a, b) => partitionKey(a.values).localeCompare(partitionKey(b.values)));
  }

  async updatePartitionLocation(
    database: string,
    table: string,
    values: string[],
    location: string,
  ): Promise<void> {
    const sd = await this.#storageDescriptor(database, table);
    try {
      await this.#retry(() =>
        this.client.send(
          new UpdatePartitionCommand({
            DatabaseName: database,
            TableName: table,
            PartitionValueList: values,
            PartitionInput: partitionInput(sd, values, location),
          }),
        ),
      );
    } catch (err) {
      throw catalogError('UpdatePartition', { database, table, values }, err);
    }
  }
}

/** The CreatePartitionIndex request for the readready `calendarday` index. */
export function partitionIndexInput(database: string, table: string): CreatePartitionIndexCommandInput {
  return {
    DatabaseName: database,
    TableName: table,
    PartitionIndex: { Keys: ['calendarday'], IndexName: CALENDARDAY_INDEX },
  };
}

function catalogError(operation: string, context: Record<string, unknown>, cause: unknown): CatalogError {
  return new CatalogError(
    `${operation} failed: ${awsErrorName(cause) ?? errorMessage(cause)}`,
    { operation, ...context },
    { cause },
  );
}

const column = (c: ColumnDef): Column => ({
  Name: c.name,
  Type: c.type,
  ...(c.comment ? { Comment: c.comment } : {}),
});

/** Glue storage format of a table definition. */
export function glueFormatOf(def: TableDef): (typeof GLUE_FORMATS)[keyof typeof GLUE_FORMATS] {
  if (def.format === 'parquet') return GLUE_FORMATS.parquet;
  return def.parameters?.['loglake.rawformat'] === 'cloudtrail' ? GLUE_FORMATS.cloudtrail : GLUE_FORMATS.json;
}

/** The Glue TableInput of a table definition. Column types are Hive types already (raw ones may be structs). */
export function tableInput(def: TableDef): TableInput {
  const format = glueFormatOf(def);
  const classification =
    def.format === 'parquet' ? 'parquet' : (def.parameters?.['loglake.rawformat'] ?? 'json');
  return {
    Name: def.name,
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      classification,
      ...(def.format === 'parquet' ? { 'parquet.compression': 'ZSTD' } : {}),
      ...def.parameters,
      EXTERNAL: 'TRUE',
    },
    PartitionKeys: def.partitionKeys.map(column),
    StorageDescriptor: {
      Columns: def.columns.map(column),
      Location: def.location,
      InputFormat: format.InputFormat,
      OutputFormat: format.OutputFormat,
      SerdeInfo: {
        SerializationLibrary: format.SerdeInfo.SerializationLibrary,
        Parameters: { ...format.SerdeInfo.Parameters },
      },
      Compressed: false,
    },
  };
}

/** A partition input that copies the table's storage descriptor, with its own location. */
export function partitionInput(table: StorageDescriptor, values: string[], location: string): PartitionInput {
  return {
    Values: values,
    StorageDescriptor: {
      Columns: table.Columns,
      InputFormat: table.InputFormat,
      OutputFormat: table.OutputFormat,
      SerdeInfo: table.SerdeInfo,
      Compressed: table.Compressed,
      Parameters: table.Parameters,
      Location: location,
    },
  };
}

function columnDefOf(c: Column): ColumnDef {
  const type = (c.Type ?? 'string').toLowerCase();
  // Raw tables keep Hive types such as struct<…>; they pass through as they are.
  return {
    name: c.Name ?? '',
    type: (COLUMN_TYPES.includes(type as ColumnType) ? type : c.Type) as ColumnType,
    ...(c.Comment ? { comment: c.Comment } : {}),
  };
}

function tableDefOf(database: string, t: Table): TableDef {
  const serde = t.StorageDescriptor?.SerdeInfo?.SerializationLibrary ?? '';
  const { EXTERNAL: _external, ...parameters } = t.Parameters ?? {};
  return {
    database,
    name: t.Name ?? '',
    location: t.StorageDescriptor?.Location ?? '',
    format: serde.includes('Parquet') ? 'parquet' : 'json',
    columns: (t.StorageDescriptor?.Columns ?? []).map(columnDefOf),
    partitionKeys: (t.PartitionKeys ?? []).map(columnDefOf),
    parameters,
  };
}
