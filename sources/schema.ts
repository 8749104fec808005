import { z } from 'zod';

/** Lower-case SQL identifier, safe as a Glue/Athena/DuckDB column or table name. */
const identifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case identifier: letters, digits and _');

/** A dot path into an event, e.g. `userIdentity.sessionContext.sessionIssuer.arn`. */
const path = z.string().regex(/^[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*$/, 'must be a dot path like a.b.c');

const regex = z.string().superRefine((value, ctx) => {
  try {
    new RegExp(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(err as Error).message}` });
  }
});

/** One way to read a value from an event. */
export const valueSpecSchema = z
  .object({
    path,
    /** Only use this value when every listed path equals one of the listed values. */
    when: z.record(path, z.union([z.string(), z.array(z.string()).min(1)])).optional(),
    /** `json`: keep nested values as a JSON string; `lines`: join an array of strings with `\n`. */
    as: z.enum(['value', 'json', 'lines']).default('value'),
  })
  .strict();

export const columnSchema = z
  .object({
    name: identifier,
    type: z.enum(['string', 'bigint', 'double', 'boolean', 'timestamp']),
    /** Shorthand for `first: [{ path }]`. */
    path: path.optional(),
    as: z.enum(['value', 'json', 'lines']).optional(),
    /** The first alternative whose `when` holds and whose value is present wins. */
    first: z.array(valueSpecSchema).min(1).optional(),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((col, ctx) => {
    if ((col.path === undefined) === (col.first === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of `path` or `first`' });
    }
    if (col.as !== undefined && col.path === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['as'],
        message: '`as` goes with `path`; inside `first`, set it per item',
      });
    }
  });

export const filterSchema = z
  .object({
    path,
    in: z.array(z.string()).min(1).optional(),
    not_in: z.array(z.string()).min(1).optional(),
  })
  .strict()
  .refine((f) => (f.in === undefined) !== (f.not_in === undefined), 'give exactly one of `in` or `not_in`');

export const rawColumnSchema = z.object({ name: z.string().min(1), type: z.string().min(1) }).strict();

export const sourceDefinitionSchema = z
  .object({
    name: identifier,
    description: z.string().optional(),
    raw: z
      .object({
        /** Defaults to `from_<name>_raw`. */
        table: identifier.optional(),
        /** Regular expression over the decoded key, with named captures for the partition keys. */
        key_pattern: regex,
        /** Keys of this source that are never data (digests, health checks): skipped, not errors. */
        skip_patterns: z.array(regex).default([]),
        /** Capture names, in order, that become the raw table's partition keys. */
        partition_keys: z.array(identifier).min(1),
        /** Capture names the central filter reads the account and region from, when the key has them. */
        account_capture: identifier.optional(),
        region_capture: identifier.optional(),
        /** Hive SerDe family for the raw table in Glue. */
        format: z.enum(['cloudtrail', 'json']).default('json'),
        columns: z.array(rawColumnSchema).default([]),
      })
      .strict(),
    decode: z
      .object({
        /** `document`: one JSON document per file; `concatenated`: `{…}{…}` back to back; `ndjson`: one per line. */
        framing: z.enum(['document', 'concatenated', 'ndjson']),
        /** Path of the array of events inside each document (CloudTrail: `Records`). */
        records: path.optional(),
        /** `cloudwatch_logs`: CloudWatch Logs subscription envelopes (DATA_MESSAGE / CONTROL_MESSAGE). */
        envelope: z.enum(['none', 'cloudwatch_logs']).default('none'),
        /** For `cloudwatch_logs`: parse each log event's `message` as JSON into `msg` when it is JSON. */
        parse_message: z.boolean().default(false),
        /** Events bigger than this are quarantined as `too_large`. */
        max_event_bytes: z
          .number()
          .int()
          .positive()
          .default(4 * 1024 * 1024),
      })
      .strict(),
    readready: z
      .object({
        /** Defaults to `from_<name>_readready`. */
        table: identifier.optional(),
        /** The event time that sets `calendarday` (UTC). */
        time: z.object({ path, format: z.enum(['iso8601', 'epoch_millis']) }).strict(),
        filters: z.array(filterSchema).default([]),
        columns: z.array(columnSchema).min(1),
        /** Columns compaction sorts a day's rows by (auditors' filters first); see compact/sortColumns.ts. */
        sort_by: z.array(identifier).min(1).optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((def, ctx) => {
    const names = new Set<string>();
    def.readready.columns.forEach((col, i) => {
      if (names.has(col.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['readready', 'columns', i, 'name'],
          message: `duplicate column ${col.name}`,
        });
      }
      if (col.name === 'source_key' || col.name === 'calendarday') {
        ctx.addIssue({
          code: 'custom',
          path: ['readready', 'columns', i, 'name'],
          message: `${col.name} is added by loglake itself`,
        });
      }
      names.add(col.name);
    });
    def.readready.sort_by?.forEach((name, i) => {
      if (!names.has(name) && name !== 'source_key') {
        ctx.addIssue({ code: 'custom', path: ['readready', 'sort_by', i], message: `no column ${name}` });
      }
    });
    const captures = new Set(
      [...def.raw.key_pattern.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1] as string),
    );
    def.raw.partition_keys.forEach((key, i) => {
      if (!captures.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['raw', 'partition_keys', i],
          message: `key_pattern has no named capture (?<${key}>…)`,
        });
      }
    });
  });

/** A source definition as written in its file. */
export type SourceDefinitionInput = z.input<typeof sourceDefinitionSchema>;
/** A validated source definition, defaults applied. */
export type SourceDefinitionParsed = z.output<typeof sourceDefinitionSchema>;
export type ColumnSpec = z.output<typeof columnSchema>;
export type ValueSpec = z.output<typeof valueSpecSchema>;
