import { parseArgs } from 'node:util';
import { type Command, contextFor, GLOBAL_HELP, GLOBAL_OPTIONS } from './command.ts';
import { commands } from './commands/index.ts';
import { type CliIO, processIO } from './io.ts';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'loglake: a compliance log lake for CloudTrail and Session Manager logs',
    '',
    'usage: loglake <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `loglake <command> --help` for a command's options.",
  ].join('\n');
}

function commandHelp(c: Command): string {
  return [
    `usage: ${c.usage}`,
    '',
    c.summary,
    '',
    'options:',
    ...[...c.help, ...GLOBAL_HELP].map((l) => `  ${l}`),
  ].join('\n');
}

/**
 * Runs the CLI and returns the exit code; never calls `process.exit`. Errors print one line
 * (`loglake: <reason>`) and give exit code 1; usage mistakes give 2.
 */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`loglake: unknown command "${name}" (try loglake --help)`);
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
  } catch (err) {
    io.err(`loglake ${name}: ${(err as Error).message}`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(commandHelp(command));
    return 0;
  }
  try {
    return (await command.run(contextFor(parsed.values, parsed.positionals, io))) ?? 0;
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n').join('; ') : String(err);
    io.err(`loglake ${name}: ${message}`);
    if (process.env.LOGLAKE_DEBUG && err instanceof Error) io.err(err.stack ?? '');
    return 1;
  }
}
