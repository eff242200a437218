// The single executable's program (scripts/build-binary.mjs bundles it into one CommonJS
// file): the same `run` as bin/netpol.js, without top-level await, which CommonJS lacks.
import { processIo, run } from '../../packages/cli/dist/index.js';

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// Node's single executables keep the binary's path as argv[1] too, like a script's.
run(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
