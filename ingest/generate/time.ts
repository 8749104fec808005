/** Time formats AWS uses in keys and events, all in UTC. */

/** `2026-11-01T08:15:02Z`: CloudTrail `eventTime` and the SSM agent's `eventTime`. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Date and time parts, zero-padded, for building keys. */
export interface TimeParts {
  yyyy: string;
  mm: string;
  dd: string;
  hh: string;
  mi: string;
  ss: string;
}

/** Splits an instant into the zero-padded parts keys are built from. */
export function timeParts(ms: number): TimeParts {
  const iso = new Date(ms).toISOString();
  return {
    yyyy: iso.slice(0, 4),
    mm: iso.slice(5, 7),
    dd: iso.slice(8, 10),
    hh: iso.slice(11, 13),
    mi: iso.slice(14, 16),
    ss: iso.slice(17, 19),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Nov 1, 2026, 9:15:02 AM`: how STS credential expirations appear in CloudTrail responses. */
export function stsExpiration(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  const mi = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h12}:${mi}:${ss} ${hours < 12 ? 'AM' : 'PM'}`;
}

export const SECOND_MS = 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
