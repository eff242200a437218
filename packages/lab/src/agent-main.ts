import { runAgent } from './agent.js';

/** Entry point of the detached lab agent: `node agent-main.js STATE_DIR`. */
const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: agent-main STATE_DIR\n');
  process.exit(2);
}
await runAgent(dir);
