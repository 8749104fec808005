import type { ColumnType } from './ports.ts';

/** DuckDB type of each readready column type. */
export const DUCK_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};
