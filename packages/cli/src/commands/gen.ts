import { generateCluster, genOptionsForPods, renderGenerated } from '@netpol/core/gen';
import { type Io, UsageError } from '../io.js';

const LIMITS = {
  pods: ['--pods', 1, 1_000_000],
  namespaces: ['--namespaces', 1, 100_000],
  workloadsPerNs: ['--workloads-per-ns', 1, 10_000],
  replicas: ['--replicas', 0, 10_000],
  policies: ['--policies', 0, 1_000_000],
  seed: ['--seed', 0, 0xffffffff],
} satisfies Record<string, [string, number, number]>;

/** `netpol gen`: print a generated cluster as one `kind: List`. */
export async function genCommand(options: Record<string, unknown>, io: Io): Promise<number> {
  const n = (key: keyof typeof LIMITS): number | undefined => {
    const value = options[key];
    if (value === undefined) return undefined;
    const [flag, min, max] = LIMITS[key];
    const text = String(value);
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      throw new UsageError(`invalid ${flag} "${text}": expected a whole number from ${min} to ${max}`);
    }
    return Number(text);
  };
  const genOptions = genOptionsForPods(n('pods') ?? 1000, {
    namespaces: n('namespaces'),
    workloadsPerNamespace: n('workloadsPerNs'),
    replicas: n('replicas'),
    policies: n('policies'),
    seed: n('seed'),
  });
  io.stdout.write(renderGenerated(generateCluster(genOptions), options.output === 'json' ? 'json' : 'yaml'));
  return 0;
}
