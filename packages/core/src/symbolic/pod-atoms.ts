import { NAMESPACE_NAME_LABEL } from '../constants.js';
import type { AdminPolicyModel, NodeModel } from '../model/admin-types.js';
import { canonicalSelector } from '../model/canonical.js';
import { type LabelSelectorModel, type PolicyModel, PROTOCOLS, type Protocol } from '../model/types.js';
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
  let selector = named.get(name);
  if (!selector) {
    selector = { matchLabels: { [NAMESPACE_NAME_LABEL]: name }, matchExpressions: [] };
    named.set(name, selector);
  }
  return selector;
}

const named = new Map<string, LabelSelectorModel>();

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

/**
 * The atoms of admin-tier policies (docs/admin-tiers.md): subjects and pod/namespace peers
 * as pod sets, `networks` as ipBlocks, named ports; `nodes` peers match node addresses, which
 * are outside addresses here (a /32 or /128 each, so an outside class never straddles one).
 */
export function adminAtoms(policies: readonly AdminPolicyModel[], nodes: readonly NodeModel[] = []): SymbolicAtoms {
  const atoms: SymbolicAtoms = { pods: [], ipBlocks: [], portNames: [] };
  const selection = (s: AdminPolicyModel['subject']) =>
    atoms.pods.push(
      s.kind === 'pods'
        ? { namespaceSelector: s.namespaceSelector, podSelector: s.podSelector }
        : { namespaceSelector: s.namespaceSelector },
    );
  let nodePeers = false;
  for (const policy of policies) {
    selection(policy.subject);
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers) {
        if (peer.kind === 'pods' || peer.kind === 'namespaces') selection(peer);
        else if (peer.kind === 'networks') for (const cidr of peer.cidrs) atoms.ipBlocks.push({ cidr, except: [] });
        else if (peer.kind === 'nodes') nodePeers = true;
      }
      if (rule.ports !== 'all') {
        for (const port of rule.ports) {
          // Without a protocol, an admin named port matches the pod's port of that name on any protocol.
          const name = port.port;
          if (typeof name !== 'string') continue;
          for (const protocol of port.protocol ? [port.protocol] : PROTOCOLS) atoms.portNames.push({ name, protocol });
        }
      }
    }
  }
  if (nodePeers) {
    for (const node of nodes) {
      for (const address of node.addresses)
        atoms.ipBlocks.push({ cidr: `${address}/${address.includes(':') ? 128 : 32}`, except: [] });
    }
  }
  return dedupeAtoms(atoms);
}

/** Port ranges rules name by number (NetworkPolicy and admin tiers); protocol undefined: any. */
export function numberedPorts(cluster: {
  policies: readonly PolicyModel[];
  adminPolicies?: readonly AdminPolicyModel[];
}): { protocol?: Protocol; first: number; last: number }[] {
  const out: { protocol?: Protocol; first: number; last: number }[] = [];
  for (const policy of [...cluster.policies, ...(cluster.adminPolicies ?? [])]) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      if (rule.ports === 'all') continue;
      for (const p of rule.ports) {
        if (typeof p.port === 'number') out.push({ protocol: p.protocol, first: p.port, last: p.endPort ?? p.port });
      }
    }
  }
  return out;
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
  return `${selectorKey(atom.namespaceSelector)}/${atom.podSelector ? selectorKey(atom.podSelector) : '*'}`;
}

const keys = new WeakMap<LabelSelectorModel, string>();

/** `canonicalSelector`, once per selector object (thousands of policies share few selectors' texts). */
export function selectorKey(selector: LabelSelectorModel): string {
  let key = keys.get(selector);
  if (key === undefined) {
    key = canonicalSelector(selector);
    keys.set(selector, key);
  }
  return key;
}
