export type { Io, OutStream } from './io.js';
export { ExitError, processIo, UsageError } from './io.js';
export { run } from './run.js';
export { VERSION } from './version.js';
