import { NAMESPACE_NAME_LABEL } from '../constants.js';
import { canonicalSelector } from '../lint/canonical.js';
import type { LabelSelectorModel, PolicyModel, Protocol } from '../model/types.js';
import type { IpBlockAtom } from './address-space.js';

/**
 * What policies can tell pods apart by: the "atoms" of the symbolic analysis. Two possible
 * pods that match the same atoms get the same verdict from every policy, with anyone.
 */

/** A set of pods: those matching `podSelector` in namespaces whose labels match `namespaceSelector`. */
export interface PodAtom {
  /** A policy's own namespace is `kubernetes.io/metadata.name: <ns>` (every namespace has that label). */
  namespaceSelector: LabelSelectorModel;
  /** Absent: every pod of those namespaces. */
  podSelector?: LabelSelectorModel;
}

/** A named container port some rule names (resolved on the destination pod). */
export interface PortNameAtom {
  name: string;
  protocol: Protocol;
}

export interface SymbolicAtoms {
  pods: PodAtom[];
  ipBlocks: IpBlockAtom[];
  portNames: PortNameAtom[];
}

/** The namespace selector that stands for "namespace `name`". */
export function namespaceNamed(name: string): LabelSelectorModel {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: name }, matchExpressions: [] };
}

/**
 * The atoms of NetworkPolicies: each policy's podSelector in its namespace, each selector
 * peer (a podSelector alone means the policy's own namespace), each ipBlock, each named
 * rule port. Rules the engine ignores (egress without Egress in policyTypes) add nothing.
 * Other policy kinds (admin tiers) add their own atoms through `mergeAtoms`.
 */
export function policyAtoms(policies: readonly PolicyModel[]): SymbolicAtoms {
  const atoms: SymbolicAtoms = { pods: [], ipBlocks: [], portNames: [] };
  for (const policy of policies) {
    const own = namespaceNamed(policy.namespace);
    atoms.pods.push({ namespaceSelector: own, podSelector: policy.podSelector });
    const rules = [...(policy.types.ingress ? policy.ingress : []), ...(policy.types.egress ? policy.egress : [])];
    for (const rule of rules) {
      if (rule.peers !== 'all') {
        for (const peer of rule.peers) {
          if (peer.kind === 'ipBlock') atoms.ipBlocks.push({ cidr: peer.cidr, except: peer.except });
          else atoms.pods.push({ namespaceSelector: peer.namespaceSelector ?? own, podSelector: peer.podSelector });
        }
      }
      if (rule.ports !== 'all') {
        for (const port of rule.ports) {
          if (typeof port.port === 'string') atoms.portNames.push({ name: port.port, protocol: port.protocol });
        }
      }
    }
  }
  return dedupeAtoms(atoms);
}

/** Both lists of atoms, each atom once. */
export function mergeAtoms(...lists: readonly Partial<SymbolicAtoms>[]): SymbolicAtoms {
  return dedupeAtoms({
    pods: lists.flatMap((l) => l.pods ?? []),
    ipBlocks: lists.flatMap((l) => l.ipBlocks ?? []),
    portNames: lists.flatMap((l) => l.portNames ?? []),
  });
}

function dedupeAtoms(atoms: SymbolicAtoms): SymbolicAtoms {
  const once = <T>(list: readonly T[], key: (x: T) => string): T[] => [
    ...new Map(list.map((x) => [key(x), x] as const)).values(),
  ];
  return {
    pods: once(atoms.pods, podAtomKey),
    ipBlocks: once(atoms.ipBlocks, (b) => `${b.cidr} ${[...b.except].sort().join(',')}`),
    portNames: once(atoms.portNames, (p) => `${p.name}/${p.protocol}`).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol < b.protocol ? -1 : 1,
    ),
  };
}

export function podAtomKey(atom: PodAtom): string {
  return `${canonicalSelector(atom.namespaceSelector)}/${atom.podSelector ? canonicalSelector(atom.podSelector) : '*'}`;
}
