import type { SourceFile } from '@netpol/core';
import type { Io } from './io.js';
import type { LiveOptions } from './live/live-options.js';
import { readInputs } from './read-inputs.js';

export interface SourceOptions {
  file?: string[];
  recursive?: boolean;
  /** Also read the live cluster (`--cluster`); -f objects replace live ones of the same key. */
  live?: LiveOptions;
}

/**
 * The texts a command loads: its `-f` inputs and, with `live`, one list per kind from the API
 * server (before the files, which may replace their objects). The cluster code and its
 * library load only when asked for.
 */
export async function readSources(options: SourceOptions, io: Io, defaultNamespace = 'default'): Promise<SourceFile[]> {
  const { live } = options;
  const paths = options.file ?? [];
  const files = !live || paths.length > 0 ? await readInputs(paths, io, { recursive: options.recursive }) : [];
  if (!live) return files;
  const [{ readLiveSources }, { fileObjectKeys }] = await Promise.all([
    import('./live/read-live-sources.js'),
    import('./live/object-key.js'),
  ]);
  return [...(await readLiveSources(live, io, fileObjectKeys(files, defaultNamespace))), ...files];
}
