#!/usr/bin/env node
// kubectl (1.26+) completes `kubectl netpol <TAB>` by running kubectl_complete-netpol with
// the words typed so far; it speaks cobra's protocol, which `netpol __complete` answers.
import { processIo, run } from '../dist/index.js';

process.exitCode = await run(['__complete', ...process.argv.slice(2)], processIo());
