export { ExportError, type ExportManifest, type ExportOptions, exportEvidence } from './exportEvidence.ts';
export { loglakeVersion } from './loglakeVersion.ts';
export { type ExportSelection, selectionQuery } from './selection.ts';
