import net from 'node:net';
import { basename } from 'node:path';
import type { AgentReply, AgentRequest } from './agent-protocol.js';
import { LabError } from './exec.js';
import { DEFAULT_LAB_ID } from './lab-names.js';

/** Nothing listens on the agent's socket: the agent died (a change of the lab starts another). */
export class AgentNotRunning extends LabError {}

/** One request to the lab agent over its unix socket; one JSON reply. */
export function askAgent(stateDirPath: string, request: AgentRequest, timeoutMs = 120_000): Promise<AgentReply> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(`${stateDirPath}/agent.sock`);
    let data = '';
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new LabError(`the lab agent did not answer '${request.op}' in ${timeoutMs} ms`));
    }, timeoutMs);
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(`${JSON.stringify(request)}\n`));
    conn.on('data', (d: string) => {
      data += d;
    });
    conn.on('error', (e) => {
      clearTimeout(timer);
      // Callers hold the lab's state, so the lab is up: its agent (the pods' servers) is gone.
      const labId = basename(stateDirPath);
      const flag = labId === DEFAULT_LAB_ID ? '' : ` --lab ${labId}`;
      reject(
        new AgentNotRunning(
          `the lab agent is not running (${e.message}); see ${stateDirPath}/agent.log`,
          `any change starts it again (netpol lab apply${flag} -f FILE, even of a file already applied); or netpol lab down${flag}, then lab up again`,
        ),
      );
    });
    conn.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(data) as AgentReply);
      } catch {
        reject(new LabError('the lab agent sent a malformed reply'));
      }
    });
  });
}
