import type { DirectoryEntry } from '../api/index.ts';
import { employeeIdentity } from '../api/index.ts';
import type { GenerateOptions } from '../ingest/generate/index.ts';
import { resolveOptions } from '../ingest/generate/options.ts';
import { buildWorld } from '../ingest/generate/world.ts';

/** The demo's two managers, and the director above them. */
export const DEMO_MANAGERS = ['manager-a', 'manager-b'] as const;

/**
 * A directory for the generated people: every identity a generated human signs in with (the SSO
 * e-mail, the ops role's session name or its source identity) goes to `manager-a` when the person's
 * number is even and to `manager-b` when it is odd; both managers report to `director-1`.
 */
export function demoDirectory(opts: GenerateOptions): DirectoryEntry[] {
  const world = buildWorld(resolveOptions(opts));
  const entries = new Map<string, string>();
  for (const account of world.accounts) {
    for (const p of account.humans) {
      const identity = employeeIdentity(p.arn, p.sourceIdentity);
      if (identity === undefined) continue;
      const n = Number(/(\d+)/.exec(identity)?.[1] ?? 0);
      entries.set(identity, DEMO_MANAGERS[n % 2]!);
    }
  }
  const out = [...entries].sort().map(([identity, manager]) => ({ identity, manager }));
  for (const m of DEMO_MANAGERS) out.push({ identity: m, manager: 'director-1' });
  return out;
}
