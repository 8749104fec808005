import type { SourceDefinition } from '../../../sources/loader.ts';
import { compileProjector, type Projector } from './project.ts';

const cache = new WeakMap<SourceDefinition, Projector>();

/** The compiled projector of a source, compiled once per definition object. */
export function projectorOf(source: SourceDefinition): Projector {
  let p = cache.get(source);
  if (p === undefined) {
    p = compileProjector(source);
    cache.set(source, p);
  }
  return p;
}
