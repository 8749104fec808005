import { z } from 'zod';
import { sourceDefinitionSchema } from './schema.ts';

/** The JSON Schema of source definition files, for editors (published as `sources/source-definition.schema.json`). */
export function sourceDefinitionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(sourceDefinitionSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}
