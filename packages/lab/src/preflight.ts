import { exec } from './exec.js';

/**
 * Why this machine cannot run a lab, or undefined when it can: Linux, root, and the `ip`
 * (iproute2) and `nft` (nftables) programs.
 */
export async function labPreflight(): Promise<{ problem: string; hint: string } | undefined> {
  if (process.platform !== 'linux') {
    return {
      problem: `the lab needs Linux network namespaces (this is ${process.platform})`,
      hint: 'run it in a Linux VM or container',
    };
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return { problem: 'the lab needs root to create network namespaces', hint: 'run it with sudo' };
  }
  const ip = await exec('ip', ['-V'], { timeoutMs: 5000 });
  if (ip.code !== 0) return { problem: 'the lab needs `ip` (iproute2), not found', hint: 'apt-get install iproute2' };
  const nft = await exec('nft', ['--version'], { timeoutMs: 5000 });
  if (nft.code !== 0) return { problem: 'the lab needs `nft` (nftables), not found', hint: 'apt-get install nftables' };
  return undefined;
}

/**
 * Root in a container may still lack CAP_SYS_ADMIN or nf_tables: try once, in a namespace
 * of our own (`np-<labId>-node`, removed at once). Undefined when the lab can run.
 */
export async function labCapabilityProblem(labId: string): Promise<string | undefined> {
  const probe = `np-${labId}-node`;
  try {
    const add = await exec('ip', ['netns', 'add', probe]);
    if (add.code !== 0) return `cannot create a network namespace: ${add.stderr.trim()}`;
    const nft = await exec('ip', ['netns', 'exec', probe, 'nft', '-f', '-'], { input: 'table inet netpol_check {}\n' });
    if (nft.code !== 0) return `cannot use nftables in a network namespace: ${nft.stderr.trim()}`;
    return undefined;
  } finally {
    await exec('ip', ['netns', 'del', probe]);
  }
}
