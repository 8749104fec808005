import { z } from 'zod';
import { definitionCrossChecks } from './crossChecks.ts';

/**
 * The envelopes a source can name (`decode.envelope`); each has its implementation, JavaScript and
 * SQL, in `transform/envelopes/` (a registry keyed by this list, so the two cannot drift apart).
 */
export const ENVELOPE_KINDS = ['none', 'cloudwatch_logs'] as const;
/** One of {@link ENVELOPE_KINDS}. */
export type EnvelopeKind = (typeof ENVELOPE_KINDS)[number];

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

/** One condition of an extract table: a string readready column equals one of the values. */
export const extractConditionSchema = z
  .object({ column: identifier, in: z.array(z.string()).min(1) })
  .strict();

/** A table holding the subset of a readready table's rows that match every condition. */
export const extractSchema = z
  .object({
    table: identifier,
    description: z.string().optional(),
    where: z.array(extractConditionSchema).min(1),
  })
  .strict();

/**
 * A test of one named capture of the key pattern: keys whose capture fails it are not this
 * source's. The way to narrow a built-in (e.g. the `cloudwatch` source to some Firehose streams)
 * from configuration, without copying it.
 */
export const keyFilterSchema = z
  .object({
    capture: identifier,
    in: z.array(z.string()).min(1).optional(),
    not_in: z.array(z.string()).min(1).optional(),
    matches: regex.optional(),
    not_matches: regex.optional(),
  })
  .strict()
  .refine(
    (f) => [f.in, f.not_in, f.matches, f.not_matches].filter((x) => x !== undefined).length === 1,
    'give exactly one of `in`, `not_in`, `matches` or `not_matches`',
  );

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
        /**
         * Keys that belong to this source even when `key_pattern` does not fit them (e.g. anything
         * under `AWSLogs/<acct>/CloudTrail/`): such a key is quarantined at addapart with the reason
         * `key_pattern_mismatch`, never dropped.
         */
        claim_pattern: regex.optional(),
        /** Tests of named captures that narrow which matching keys are this source's. */
        key_filters: z.array(keyFilterSchema).default([]),
        /**
         * Which definition wins a key that several match: the highest priority (default 0). Two
         * definitions of equal priority that match the same key are an error, never a silent choice.
         */
        priority: z.number().int().default(0),
        /** Real keys of this source: checked against its own pattern and, at start-up, against every other definition's. */
        example_keys: z.array(z.string().min(1)).default([]),
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
        /**
         * `document`: one JSON document per file; `concatenated`: `{…}{…}` back to back; `ndjson`: one
         * per line; `lines`: plain text lines, each read by `line_pattern` into an event.
         */
        framing: z.enum(['document', 'concatenated', 'ndjson', 'lines']),
        /** Path of the array of events inside each document, at any depth (CloudTrail: `Records`). */
        records: path.optional(),
        /** For `lines` (and `message_format: text`): a regular expression whose named captures become the event's fields. */
        line_pattern: regex.optional(),
        /** For `lines`: lines that are not events (a header), skipped and counted as `skipped_line`. */
        skip_lines: z.array(regex).default([]),
        /** For text: capture values that mean "no value" (VPC Flow Logs and ALB write `-`). */
        null_values: z.array(z.string()).default([]),
        /** For text: captures holding epoch seconds (VPC Flow Logs `start`, `end`), read as epoch milliseconds. */
        epoch_seconds: z.array(z.string().min(1)).default([]),
        /** `cloudwatch_logs`: CloudWatch Logs subscription envelopes (DATA_MESSAGE / CONTROL_MESSAGE). */
        envelope: z.enum(ENVELOPE_KINDS).default('none'),
        /** For `cloudwatch_logs`: parse each log event's `message` as JSON into `msg` when it is JSON. */
        parse_message: z.boolean().default(false),
        /**
         * For `cloudwatch_logs`: how `message` is read into `msg`. `json` is `parse_message: true`;
         * `text` reads it with `line_pattern`, its named captures becoming `msg.<capture>`.
         */
        message_format: z.enum(['json', 'text']).optional(),
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
        /**
         * Readready columns the central filter (config `filter.accounts`, `filter.regions`) applies to
         * at transform, for sources whose keys do not carry the account (Firehose): rows it refuses
         * are skipped as `filtered_account` / `filtered_region`.
         */
        filter_fields: z
          .object({ account: identifier.optional(), region: identifier.optional() })
          .strict()
          .optional(),
        columns: z.array(columnSchema).min(1),
        /** Columns compaction sorts a day's rows by (auditors' filters first); see compact/sortColumns.ts. */
        sort_by: z.array(identifier).min(1).optional(),
        /**
         * Extract tables: each holds the readready rows that match all its conditions, written beside
         * every readready file with the same name (so a re-run overwrites both) and read by queries
         * that want a handful of rows out of many (session review's StartSession lookups).
         */
        extracts: z.array(extractSchema).default([]),
      })
      .strict(),
  })
  .strict()
  .superRefine((def, ctx) => {
    for (const issue of definitionCrossChecks(def)) {
      ctx.addIssue({
        code: 'custom',
        path: issue.path,
        message: issue.message,
        params: { hint: issue.hint },
      });
    }
    for (const [field, column] of Object.entries(def.readready.filter_fields ?? {})) {
      if (column !== undefined && !def.readready.columns.some((c) => c.name === column)) {
        ctx.addIssue({
          code: 'custom',
          path: ['readready', 'filter_fields', field],
          message: `no readready column named ${column}`,
        });
      }
    }
    def.raw.partition_keys.forEach((key, i) => {
      if (key === 'loc') {
        ctx.addIssue({
          code: 'custom',
          path: ['raw', 'partition_keys', i],
          message: 'loc is added by loglake itself (the folder of the partition)',
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
export type KeyFilter = z.output<typeof keyFilterSchema>;
