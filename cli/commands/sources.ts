import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { SourceDefinitionError } from '../../lake/errors.ts';
import { sourceDefinitionJsonSchema } from '../../sources/jsonSchema.ts';
import { loadSourceFile, loadSources, type SourceDefinition } from '../../sources/loader.ts';
import { describeConflict, precedenceConflicts } from '../../sources/match.ts';
import { type Sample, trySamples } from '../../sources/trySamples.ts';
import { type Command, type CommandContext, intOption } from '../command.ts';
import { UsageError } from '../io.ts';
import { renderTryReport } from '../sourcesReport.ts';

/** The sample files of a path: the file itself, or every file under a folder (key = path inside it). */
async function samplesAt(path: string): Promise<{ file: string; key: string }[]> {
  if (!(await stat(path)).isDirectory()) return [{ file: path, key: path.replace(/^\.\//, '') }];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .map((file) => ({ file, key: relative(path, file).split('\\').join('/') }));
}

/** The configured definitions (built-ins, `sourcesDirs`, overrides); conflicts are the caller's to report. */
async function configuredSources(ctx: CommandContext): Promise<SourceDefinition[]> {
  const config = ctx.config();
  return loadSources(config.sourcesDirs, { overrides: config.sourceOverrides, checkPrecedence: false });
}

/** Validates each file, printing every problem of every file; then checks precedence with the configured sources. */
async function validate(ctx: CommandContext, files: string[]): Promise<number> {
  const { io } = ctx;
  let failed = false;
  const defs: SourceDefinition[] = [];
  for (const f of files) {
    try {
      const def = await loadSourceFile(f);
      defs.push(def);
      io.out(
        `${f}: ok (${def.name}: ${def.rawTable} → ${def.readreadyTable}, ${def.readready.columns.length} columns)`,
      );
      if (def.raw.example_keys.length === 0)
        io.err(
          `${f}: warning: raw.example_keys: none given (hint: add a real key or two, so an overlap with another definition is found at start-up, not only on samples)`,
        );
    } catch (err) {
      if (!(err instanceof SourceDefinitionError)) throw err;
      failed = true;
      for (const line of err.message.split('\n')) io.err(line);
    }
  }
  const names = new Set(defs.map((d) => d.name));
  const sources = [...(await configuredSources(ctx)).filter((s) => !names.has(s.name)), ...defs];
  for (const c of precedenceConflicts(sources)) {
    failed = true;
    io.err(`error: ${describeConflict(c)}`);
  }
  return failed ? 1 : 0;
}

async function test(ctx: CommandContext, args: string[]): Promise<number> {
  const [defFile, ...paths] = args;
  if (defFile === undefined || paths.length === 0)
    throw new UsageError('give a definition file and sample files or folders');
  let definition: SourceDefinition;
  try {
    definition = await loadSourceFile(defFile);
  } catch (err) {
    if (!(err instanceof SourceDefinitionError)) throw err;
    for (const line of err.message.split('\n')) ctx.io.err(line);
    return 1;
  }
  const found = (await Promise.all(paths.map(samplesAt))).flat();
  const keyOption = ctx.values.key;
  const keys = Array.isArray(keyOption) ? keyOption.map(String) : [];
  if (keys.length > 1 && keys.length !== found.length)
    throw new UsageError(
      `${keys.length} --key values for ${found.length} sample files: give one, or one per file`,
    );
  const samples: Sample[] = await Promise.all(
    found.map(async (s, i) => ({
      file: s.file,
      key: keys.length === 0 ? s.key : (keys[keys.length === 1 ? 0 : i] as string),
      bytes: await readFile(s.file),
    })),
  );
  const report = await trySamples(definition, samples, {
    others: await configuredSources(ctx),
    maxRows: intOption(ctx.values, 'rows', 10),
  });
  for (const line of renderTryReport(report)) ctx.io.out(line);
  return report.ok ? 0 : 1;
}

export const sources: Command = {
  name: 'sources',
  summary: 'list, validate, test or describe source definitions (onboard a new log source with no code)',
  usage: 'loglake sources [list | validate <file…> | test <definition> <sample file or folder…> | schema]',
  help: [
    'list                          the loaded sources and their tables',
    'validate <file…>              check definition files: every problem, one per line, with a hint',
    'test <definition> <samples…>  dry run on sample files (no lake): key match, partitions, rows, fill rates',
    '--key <raw key>               (test) the raw key the sample stands for; once for all, or once per file',
    '--rows <n>                    (test) rows to show (default 10)',
    'schema                        print the JSON Schema of definition files',
  ],
  options: { key: { type: 'string', multiple: true }, rows: { type: 'string' } },
  positionals: true,
  async run(ctx) {
    const [action = 'list', ...args] = ctx.positionals;
    if (action === 'schema') {
      ctx.io.out(JSON.stringify(sourceDefinitionJsonSchema(), null, 2));
      return 0;
    }
    if (action === 'validate') {
      if (args.length === 0) throw new UsageError('give the definition files to validate');
      return validate(ctx, args);
    }
    if (action === 'test') return test(ctx, args);
    if (action === 'list') {
      const config = ctx.config();
      for (const s of await loadSources(config.sourcesDirs, { overrides: config.sourceOverrides })) {
        const rank = s.raw.priority !== 0 ? `, priority ${s.raw.priority}` : '';
        ctx.io.out(`${s.name}: ${s.rawTable} → ${s.readreadyTable} (${s.origin}${rank})`);
      }
      return 0;
    }
    throw new UsageError(`unknown sources action ${action}`);
  },
};
