import { z } from 'zod';

/** Where a page of the session list ends: the last session's start time and reference. */
export interface Cursor {
  startTime: string;
  ref: string;
}

const cursorSchema = z.object({ t: z.iso.datetime(), r: z.string().min(1).max(256) }).strict();

/** An opaque, URL-safe cursor. Keyset paging on (start time, reference) is stable while data arrives. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify({ t: c.startTime, r: c.ref })).toString('base64url');
}

/** Decodes a cursor; undefined when it is not one this API made. */
export function decodeCursor(text: string): Cursor | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? { startTime: parsed.data.t, ref: parsed.data.r } : undefined;
  } catch {
    return undefined;
  }
}
