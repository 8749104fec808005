/**
 * Event times, read exactly. A time is accepted only in the format its source definition names
 * (`iso8601` or `epoch_millis`) and only when it is a real instant that every reader of the lake
 * (DuckDB, Parquet, Athena) can hold: a calendar date that exists, a time of day below 24:00:00
 * (leap seconds are not representable there), a year from 0001 to 9999. Anything else is `undefined`,
 * and the event is quarantined as `bad_time`, never filed under a guessed day.
 */

/** How a source writes its times; `undefined` (a timestamp column other than the event time) takes either. */
export type TimeFormat = 'iso8601' | 'epoch_millis';

/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z in epoch milliseconds. */
export const MIN_EPOCH_MS = -62_135_596_800_000;
export const MAX_EPOCH_MS = 253_402_300_799_999;

/**
 * RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`. Captures: date, time, fraction,
 * offset. No lenient forms: no date-only, no week dates, no missing seconds, no expanded years.
 */
const ISO_8601 = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Whether `YYYY-MM-DD` names a day that exists (year 0001 or later). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const last = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= last;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` of epoch milliseconds in range, else `undefined`. */
export function epochMillisText(ms: number): string | undefined {
  if (!Number.isInteger(ms) || ms < MIN_EPOCH_MS || ms > MAX_EPOCH_MS) return undefined;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` (UTC) of a strict RFC 3339 string, else `undefined`. */
export function isoText(v: string): string | undefined {
  const m = ISO_8601.exec(v);
  if (m === null) return undefined;
  const [, day, time, frac = '', offset] = m as unknown as [
    string,
    string,
    string,
    string | undefined,
    string,
  ];
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  const date = Number(day.slice(8, 10));
  const hour = Number(time.slice(0, 2));
  const minute = Number(time.slice(3, 5));
  const second = Number(time.slice(6, 8));
  if (!isCalendarDate(year, month, date) || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = `${frac}000`.slice(0, 3);
  // The hot path (CloudTrail writes `…Z`): string slicing, no Date objects.
  if (offset === 'Z') return `${day} ${time}.${millis}`;
  const oh = Number(offset.slice(1, 3));
  const om = Number(offset.slice(4, 6));
  if (oh > 23 || om > 59) return undefined;
  const sign = offset[0] === '-' ? -1 : 1;
  const local = Date.UTC(year, month - 1, date, hour, minute, second, Number(millis));
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear puts the year back.
  const d = new Date(local);
  d.setUTCFullYear(year);
  return epochMillisText(d.getTime() - sign * (oh * 60 + om) * 60_000);
}

/**
 * A time as `YYYY-MM-DD HH:MM:SS.mmm` in UTC, the text DuckDB, Parquet and Athena all read as a
 * timestamp; `undefined` when the value is not a time in `format`.
 */
export function timestampText(v: unknown, format?: TimeFormat): string | undefined {
  if (typeof v === 'string') return format === 'epoch_millis' ? undefined : isoText(v);
  if (typeof v === 'number') return format === 'iso8601' ? undefined : epochMillisText(v);
  return undefined;
}
