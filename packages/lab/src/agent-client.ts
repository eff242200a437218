import net from 'node:net';
import type { AgentReply, AgentRequest } from './agent-protocol.js';
import { LabError } from './exec.js';

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
      reject(
        new LabError(
          `the lab agent is not running (${e.message}); see ${stateDirPath}/agent.log`,
          `netpol lab down, then lab up again, rebuilds the lab`,
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
