import { replay } from '../../transform/replay.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../io.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function dayOption(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !DAY.test(v))
    throw new UsageError(`--${name} must be a day YYYY-MM-DD, got ${String(v)}`);
  return v;
}

export const replayCommand: Command = {
  name: 'replay',
  summary:
    're-open set-aside or quarantined files (or a source after its definition was fixed) for transform',
  usage:
    'loglake replay [--set-aside] [--quarantined] [--source <name> [--from <day>] [--to <day>]] [--key <raw key>]',
  help: [
    'with no option     set-aside and quarantined files',
    '--set-aside        batches set aside after repeated failures (see `loglake status`)',
    '--quarantined      batches holding a file with a quarantine record',
    '--source <name>    batches holding files of this source',
    '--from/--to <day>  with --source: raw partition days, YYYY-MM-DD, inclusive',
    '--key <raw key>    batches holding this raw key (repeatable)',
    'Whole original batches are re-opened with their ids; the next `loglake transform` overwrites',
    'their outputs, so a replay never duplicates rows.',
  ],
  options: {
    'set-aside': { type: 'boolean' },
    quarantined: { type: 'boolean' },
    source: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    key: { type: 'string', multiple: true },
  },
  async run({ values, io, openLake }) {
    const from = dayOption(values.from, 'from');
    const to = dayOption(values.to, 'to');
    const source = typeof values.source === 'string' ? values.source : undefined;
    if ((from !== undefined || to !== undefined) && source === undefined)
      throw new UsageError('--from and --to go with --source');
    const lake = await openLake();
    try {
      if (source !== undefined && !lake.sources.some((s) => s.name === source))
        throw new UsageError(`no source named ${source} (see \`loglake sources list\`)`);
      const keys = Array.isArray(values.key) ? values.key.map(String) : undefined;
      const r = await replay(lake, {
        setAside: values['set-aside'] === true,
        quarantined: values.quarantined === true,
        source,
        from,
        to,
        keys,
      });
      io.out(
        `replay: re-opened ${r.batches.length} batches (${r.files} files); run \`loglake transform\` to process them`,
      );
      for (const b of r.batches) io.out(`  batch ${b}`);
    } finally {
      await lake.close();
    }
    return 0;
  },
};
