import { filesFromPaths, landFiles } from '../../ingest/land.ts';
import { s3EventBody } from '../../lake/embedded/notifyingObjectStore.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../io.ts';

export const land: Command = {
  name: 'land',
  summary: 'copy files into the raw layout and notify (as S3 notifies SQS)',
  usage: 'loglake land <path…> [--prefix <key prefix>]',
  help: [
    '--prefix <p>       key prefix for every landed file',
    'A file already in raw with the same bytes is notified again (a lost notification is re-sent);',
    'one with other bytes is refused: raw is write-once evidence (land it under a new key, or use',
    '`loglake replay --key <key>` to re-process an existing file).',
  ],
  // Kept only to refuse it with the reason, rather than as an unknown option.
  options: { prefix: { type: 'string' }, overwrite: { type: 'boolean' } },
  positionals: true,
  async run({ positionals, values, io, openLake }) {
    if (values.overwrite === true)
      throw new UsageError(
        'raw is write-once: --overwrite is refused; land changed files under new keys, or re-process existing ones with `loglake replay --key`',
      );
    if (positionals.length === 0) throw new UsageError('give at least one file or folder to land');
    const lake = await openLake();
    try {
      const prefix = typeof values.prefix === 'string' ? values.prefix : '';
      const r = await landFiles(lake.raw, filesFromPaths(positionals, prefix), {
        renotify: (key, size, etag) => lake.queue.send([s3EventBody(lake.rawBucket, key, size, etag)]),
      });
      io.out(
        `landed ${r.landed} files (${r.bytes} bytes) into ${lake.raw.location}; ` +
          `${r.existing} already there (notified again)`,
      );
      for (const key of r.conflicts)
        io.err(`not landed (raw is write-once, other bytes already there): ${key}`);
      return r.conflicts.length > 0 ? 1 : 0;
    } finally {
      await lake.close();
    }
  },
};
