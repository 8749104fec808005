import { generateToDirectory } from '../../ingest/generate/index.ts';
import { type Command, intOption } from '../command.ts';
import { UsageError } from '../io.ts';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'write a deterministic, realistic raw data set (CloudTrail + Firehose files) to a folder',
  usage:
    'loglake generate --out <folder> [--accounts N] [--days D] [--sessions S] [--seed X] [--mb-per-source M]',
  help: [
    '--out <folder>        where to write the raw layout (and _manifest.json)',
    '--accounts <n>        AWS accounts (default 3)',
    '--days <n>            days (default 2)',
    '--sessions <n>        Session Manager sessions (default 10)',
    '--seed <n>            seed (default 1); the same seed gives byte-identical files',
    '--mb-per-source <n>   add filler until each source has this many uncompressed MB',
    '--no-bad              leave out the deliberately bad files',
  ],
  options: {
    out: { type: 'string' },
    accounts: { type: 'string' },
    days: { type: 'string' },
    sessions: { type: 'string' },
    seed: { type: 'string' },
    'mb-per-source': { type: 'string' },
    'no-bad': { type: 'boolean' },
  },
  async run({ values, io }) {
    if (typeof values.out !== 'string') throw new UsageError('--out <folder> is required');
    const mb = intOption(values, 'mb-per-source', 0);
    const manifest = await generateToDirectory(values.out, {
      accounts: intOption(values, 'accounts', 3),
      days: intOption(values, 'days', 2),
      sessions: intOption(values, 'sessions', 10),
      seed: intOption(values, 'seed', 1),
      badFiles: values['no-bad'] !== true,
      ...(mb > 0 ? { targetBytesPerSource: mb * 1_000_000 } : {}),
    });
    io.out(
      `wrote ${manifest.files.total} files to ${values.out}: ${manifest.events.cloudtrailRecords} CloudTrail records, ` +
        `${manifest.events.cloudwatchLogEvents} CloudWatch log events, ${manifest.events.controlMessages} control messages, ` +
        `${manifest.sessions.length} sessions (manifest in _manifest.json)`,
    );
    return 0;
  },
};
