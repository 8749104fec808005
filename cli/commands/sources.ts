import { sourceDefinitionJsonSchema } from '../../sources/jsonSchema.ts';
import { loadSourceFile, loadSources } from '../../sources/loader.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../io.ts';

export const sources: Command = {
  name: 'sources',
  summary: 'list, validate or describe source definitions (onboard a new log source with no code)',
  usage: 'loglake sources [list | validate <file…> | schema]',
  help: [
    'list              the loaded sources and their tables',
    'validate <file…>  check definition files',
    'schema            print the JSON Schema of definition files',
  ],
  options: {},
  positionals: true,
  async run({ positionals, io, config }) {
    const [action = 'list', ...files] = positionals;
    if (action === 'schema') {
      io.out(JSON.stringify(sourceDefinitionJsonSchema(), null, 2));
    } else if (action === 'validate') {
      if (files.length === 0) throw new UsageError('give the definition files to validate');
      for (const f of files) {
        const def = await loadSourceFile(f);
        io.out(
          `${f}: ok (${def.name}: ${def.rawTable} → ${def.readreadyTable}, ${def.readready.columns.length} columns)`,
        );
      }
    } else if (action === 'list') {
      for (const s of await loadSources(config().sourcesDirs)) {
        io.out(`${s.name}: ${s.rawTable} → ${s.readreadyTable} (${s.origin})`);
      }
    } else {
      throw new UsageError(`unknown sources action ${action}`);
    }
    return 0;
  },
};
