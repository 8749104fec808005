import type { ColumnType, TableDef } from '../lake/ports.ts';
import type { SourceDefinition } from './loader.ts';

/** Name of the partition key loglake adds to every raw table (after the source's own keys). */
export const LOCATION_KEY = 'loc';

/** The readready columns of a source: its definition's columns plus `source_key` lineage. */
export function readreadyColumns(source: SourceDefinition): { name: string; type: ColumnType }[] {
  return [
    ...source.readready.columns.map((c) => ({ name: c.name, type: c.type })),
    { name: 'source_key', type: 'string' },
  ];
}

/** The raw table of a source: its raw columns, partitioned by the key's captures. */
export function rawTableDef(source: SourceDefinition, database: string, location: string): TableDef {
  return {
    database,
    name: source.rawTable,
    location,
    format: 'json',
    columns: source.raw.columns.map((c) => ({ name: c.name, type: c.type as 'string' })),
    // `loc` last: which folder of which bucket, so each distinct location is its own partition.
    partitionKeys: [
      ...source.raw.partition_keys.map((name) => ({ name, type: 'string' as const })),
      { name: LOCATION_KEY, type: 'string', comment: 'hash of the bucket and folder of the partition' },
    ],
    parameters: {
      'loglake.source': source.name,
      'loglake.layer': 'raw',
      'loglake.rawformat': source.raw.format,
    },
  };
}

/** The readready table of a source: flat columns plus `source_key`, partitioned by `calendarday`. */
export function readreadyTableDef(source: SourceDefinition, database: string, location: string): TableDef {
  return {
    database,
    name: source.readreadyTable,
    location,
    format: 'parquet',
    columns: readreadyColumns(source),
    partitionKeys: [{ name: 'calendarday', type: 'string' }],
    parameters: { 'loglake.source': source.name, 'loglake.layer': 'readready', classification: 'parquet' },
  };
}

/**
 * The extract tables of a source (`readready.extracts`): the readready table's columns and
 * partitioning, holding only the rows that match each extract's conditions.
 */
export function extractTableDefs(
  source: SourceDefinition,
  database: string,
  location: (table: string) => string,
): TableDef[] {
  return source.readready.extracts.map((e) => ({
    ...readreadyTableDef(source, database, location(e.table)),
    name: e.table,
    parameters: {
      'loglake.source': source.name,
      'loglake.layer': 'readready',
      'loglake.extractof': source.readreadyTable,
      classification: 'parquet',
    },
  }));
}

/** Every table of a source: raw, readready and its extracts. */
export function sourceTableDefs(
  source: SourceDefinition,
  database: string,
  rawLocation: string,
  readreadyLocation: (table: string) => string,
): TableDef[] {
  return [
    rawTableDef(source, database, rawLocation),
    readreadyTableDef(source, database, readreadyLocation(source.readreadyTable)),
    ...extractTableDefs(source, database, readreadyLocation),
  ];
}
