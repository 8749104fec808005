/**
 * Typed errors. Each carries a stable `name`, context fields that say what it was working on, and
 * the underlying `cause`. None of them ever holds a whole event: events carry secrets.
 */
export class LoglakeError extends Error {
  readonly context: Record<string, unknown>;
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = context;
  }
}

/** A setting is missing or invalid; the message names it. */
export class ConfigError extends LoglakeError {}

/** A source definition file is invalid; the message names the file and the path of the mistake. */
export class SourceDefinitionError extends LoglakeError {}

export class ObjectNotFoundError extends LoglakeError {
  constructor(
    readonly key: string,
    location: string,
    options?: { cause?: unknown },
  ) {
    super(`object not found: ${key} in ${location}`, { key, location }, options);
  }
}

/** Reason codes for quarantined files and events; stable, so auditors can group by them. */
export type QuarantineReason =
  | 'corrupt_compression'
  | 'empty_file'
  | 'invalid_utf8'
  | 'invalid_json'
  | 'unknown_envelope'
  | 'unknown_source'
  | 'too_large'
  | 'bad_type'
  | 'bad_time'
  | 'unmatched_line'
  | 'read_failed';

/** A raw file or event could not be decoded; transform quarantines it and goes on. */
export class DecodeError extends LoglakeError {
  constructor(
    readonly reason: QuarantineReason,
    message: string,
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, { reason, ...context }, options);
  }
}

/** An SQS message body that is not a notification loglake understands. */
export class NotificationParseError extends LoglakeError {}

/** A catalog call failed after its retries. */
export class CatalogError extends LoglakeError {}

/** A query failed; `reason` carries the engine's own explanation. */
export class QueryError extends LoglakeError {
  constructor(
    message: string,
    readonly reason: string,
    context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, { reason, ...context }, options);
  }
}

/** Error message of an unknown thrown value, without its stack. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
