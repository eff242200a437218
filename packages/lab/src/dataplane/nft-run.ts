import { spawn } from 'node:child_process';

/** Network namespace names the lab may touch (never the host's: a name is required). */
export const NETNS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class NftError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'NftError';
  }
}

/**
 * Run `nft -f -` inside `netns` with `script` on stdin: one atomic transaction (nft commits the
 * whole batch or nothing). Rejects with the nft diagnostics when it fails.
 */
export function runNftScript(netns: string, script: string, timeoutMs = 30_000): Promise<void> {
  if (!NETNS_NAME.test(netns)) return Promise.reject(new Error(`invalid network namespace name: ${netns}`));
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', netns, 'nft', '-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 64_000) stderr += chunk;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new NftError(`cannot run nft in ${netns}: ${error.message}`, stderr));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else {
        const first = firstLines(stderr);
        reject(new NftError(`nft failed in ${netns} (${signal ?? `exit ${code}`}): ${first}`, stderr));
      }
    });
    // A failed nft may close stdin early; its exit status reports the failure.
    child.stdin.on('error', () => {});
    child.stdin.end(script);
  });
}

/** The head of nft's diagnostics, for an error message (the whole text stays on the error). */
export function firstLines(stderr: string): string {
  return stderr.trim().split('\n').slice(0, 6).join('\n');
}
