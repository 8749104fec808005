/**
 * Regenerates the AWS::Athena::NamedQuery block of infra/loglake.yaml from sql/queries/*.sql:
 *   npx tsx scripts/named-queries.ts
 * test/infra/namedQueries.test.ts fails when the template and the pack differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withNamedQueries } from '../infra/namedQueries.ts';

const path = fileURLToPath(new URL('../infra/loglake.yaml', import.meta.url));
const before = readFileSync(path, 'utf8');
const after = withNamedQueries(before);
if (after !== before) writeFileSync(path, after);
console.log(
  after === before ? 'infra/loglake.yaml is up to date' : 'infra/loglake.yaml: named queries regenerated',
);
