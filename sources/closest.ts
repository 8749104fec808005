/** Levenshtein distance, for "did you mean" hints over short names. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `wanted`: an exact case-insensitive match first (`httpRequest.clientIP`
 * → `httpRequest.clientIp`), then the smallest edit distance among candidates of as many dot
 * segments, within a third of the last segment's length (so `args` never "means" `uri`).
 */
export function closest(wanted: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates].filter((c) => c !== wanted);
  const lower = wanted.toLowerCase();
  const sameCase = list.find((c) => c.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  const segments = wanted.split('.').length;
  const last = wanted.slice(wanted.lastIndexOf('.') + 1);
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(last.length / 3)) + 1;
  for (const c of list) {
    if (c.split('.').length !== segments) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && c < best)) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
