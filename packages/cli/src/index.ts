export type { Io, OutStream } from './io.js';
export { ExitError, processIo, UsageError } from './io.js';
export { run, VERSION } from './run.js';
