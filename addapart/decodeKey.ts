import { NotificationParseError } from '../lake/errors.ts';

/**
 * Decodes an object key from an S3 event notification. S3 URL-encodes keys there (`+` is a space,
 * `%3D` is `=`, some emulators also encode `/` as `%2F`). This is the one place keys are decoded,
 * so no key is ever decoded twice.
 */
export function decodeS3EventKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch (cause) {
    throw new NotificationParseError(
      // The key is named (never an event): the failure must say which object it was.
      `object key is not valid URL encoding: ${encoded.slice(0, 1024)}`,
      { keyLength: encoded.length },
      { cause },
    );
  }
}
