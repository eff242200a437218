#!/usr/bin/env node
import { processIo, run } from '../dist/index.js';

// `netpol matrix ... | head` closes our stdout early: stop quietly, as other CLIs do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await run(process.argv.slice(2), processIo());
