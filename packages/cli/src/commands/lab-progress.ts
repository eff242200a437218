import type { LabContext } from '@netpol/lab';
import type { Io } from '../io.js';
import { rawStream } from '../terminal-text.js';

/**
 * Progress of long lab steps (`pods wired 120/1000`, `probed 40/300`) on one line of a
 * terminal, redrawn at most ten times a second and cleared at the end; nothing when stderr
 * is a pipe or a file (logs keep only the result).
 */
export function progressTo(io: Io): LabContext['progress'] {
  // Our own carriage return and erase-line: written past the control-character filter.
  const err = rawStream(io.stderr);
  if (!err.isTTY) return undefined;
  let last = 0;
  return (what, done, total) => {
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    err.write(done < total ? `\r${what} ${done}/${total}` : '\r\u001b[K');
  };
}
