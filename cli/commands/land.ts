import { filesFromPaths, landFiles } from '../../ingest/land.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../io.ts';

export const land: Command = {
  name: 'land',
  summary: 'copy files into the raw layout and notify (as S3 notifies SQS)',
  usage: 'loglake land <path…> [--prefix <key prefix>]',
  help: [
    '--prefix <p>       key prefix for every landed file',
    '--overwrite       replace existing raw objects',
  ],
  options: { prefix: { type: 'string' }, overwrite: { type: 'boolean' } },
  positionals: true,
  async run({ positionals, values, io, openLake }) {
    if (positionals.length === 0) throw new UsageError('give at least one file or folder to land');
    const lake = await openLake();
    try {
      const prefix = typeof values.prefix === 'string' ? values.prefix : '';
      const r = await landFiles(lake.raw, filesFromPaths(positionals, prefix), {
        overwrite: values.overwrite === true,
      });
      io.out(
        `landed ${r.landed} files (${r.bytes} bytes) into ${lake.raw.location}; ${r.existing} already there`,
      );
    } finally {
      await lake.close();
    }
    return 0;
  },
};
