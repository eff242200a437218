import { at, first } from '../at.js';
import { NAMESPACE_NAME_LABEL } from '../constants.js';
import { type Cidr, parseCidr } from '../model/cidr.js';
import { compareNsName } from '../model/compare-ns-name.js';
import { compileSelector, isEmptySelector, type LabelMatcher } from '../model/selector.js';
import type {
  ClusterModel,
  ContainerPortModel,
  LabelSelectorModel,
  Labels,
  NamespaceModel,
  PodModel,
  PolicyModel,
} from '../model/types.js';
import { type AddressClass, addressInClass, partitionAddresses, pickAddress } from './address-space.js';
import { ABSENT, type LabelCell, LabelSpace, mergeCells, partitionLabels } from './label-space.js';
import { adminAtoms, mergeAtoms, numberedPorts, policyAtoms, type SymbolicAtoms, selectorKey } from './pod-atoms.js';

/**
 * Every pod that could exist, in classes that every policy treats alike (SPEC "Symbolic
 * endpoints"). A possible pod is a namespace (name and labels), pod labels, named container
 * ports and an address. The namespace label space is cut by every namespace selector (a
 * policy's own namespace is the selector `kubernetes.io/metadata.name=<ns>`), each
 * namespace class is cut by the pod selectors that can reach into it, and the address space
 * by every ipBlock. Pieces that match the same atoms are one class: no policy tells them
 * apart. Each class has a witness, an ordinary pod the engine evaluates like any other.
 *
 * Namespaces the input defines (in every version) stay concrete: their labels are known.
 * Others (referenced or not) may carry any labels.
 */

export interface SymbolicOptions {
  /** Atoms beyond the policies' own: endpoints asked about, admin-tier subjects and peers. */
  atoms?: Partial<SymbolicAtoms>;
  /** Most witness pods before pods' addresses are no longer told apart (default 20,000). */
  maxWitnesses?: number;
}

/** One witness pod: a piece of a class (one namespace variant, one pod label region, one address). */
export interface Witness {
  pod: PodModel;
  /** The namespace as the engine sees it (a variant may carry an internal name `ns~2`). */
  namespace: NamespaceModel;
  /** The namespace's real name (`kubernetes.io/metadata.name`). */
  realNamespace: string;
  /** Index of the namespace variant: witnesses of different variants of one name never meet. */
  variant: number;
  classIndex: number;
  /** The second pod of its class (see SymbolicClass.twin). */
  twin: boolean;
}

export interface SymbolicClass {
  /** The description in SPEC syntax, unique: `prod/{app=web}`, `{team=a}/{app=web,tier!=db}`, `*\/{}`. */
  id: string;
  /** The description without the address part. */
  labels: string;
  /** The pods' addresses when ipBlocks split them (`10.0.0.0/8`), else undefined. */
  address?: string;
  /** Index of the first witness (the one shown to people). */
  witness: number;
  /** A second pod like the first (same namespace, labels, address class): the class talking to itself. */
  twin: number;
  /** Every witness of the class. */
  witnesses: number[];
  /** The namespace is one the input defines. */
  concrete: boolean;
}

export interface SymbolicSpace {
  classes: SymbolicClass[];
  witnesses: Witness[];
  /** Outside-address classes of the same ipBlocks (for callers that list outside endpoints). */
  addresses: AddressClass[];
  /** Where the analysis is coarser than exact, in words (empty when exact). */
  notes: string[];
  /** Named ports of witnesses: port number → name (every witness uses the same numbers). */
  portNames: ReadonlyMap<string, string>;
  /** Some namespace has label variants (its policies are copied into them in witness clusters). */
  hasVariants: boolean;
  /** Whether two witnesses can exist at once (not two label sets of one namespace). */
  compatible(a: number, b: number): boolean;
  /** One description for the union of classes: `prod/{app=web}` for all of its pieces. */
  describeUnion(classes: readonly number[]): string;
  /** `cluster`'s policies over the witnesses (a namespace's policies copied into its variants). */
  witnessCluster(cluster: ClusterModel): ClusterModel;
  /** The class a possible pod falls in (undefined only for a pod whose namespace is concrete with other labels). */
  classOf(pod: PossiblePod): number | undefined;
}

export interface PossiblePod {
  namespace: string;
  /** Without `kubernetes.io/metadata.name` (added here). */
  namespaceLabels: Labels;
  labels: Labels;
  ip?: string;
}

const DEFAULT_MAX_WITNESSES = 20_000;
const POD_RANGE = parseCidr('198.18.0.0/16') as Cidr;

interface NamespaceEntry {
  matches: Uint8Array;
  /** Cells of the namespace label space (each with one name, or the "other" bit). */
  cells: LabelCell[];
  /** Real name, or a fresh one for "any other namespace". */
  name: string;
  /** Named in some selector or defined (false: a fresh name standing for all others). */
  named: boolean;
  concrete?: NamespaceModel;
  variant: number;
  model?: NamespaceModel;
}

export function computeSymbolicSpace(clusters: readonly ClusterModel[], options: SymbolicOptions = {}): SymbolicSpace {
  const atoms = mergeAtoms(
    policyAtoms(clusters.flatMap((c) => c.policies)),
    ...clusters.map((c) => adminAtoms(c.adminPolicies ?? [], c.nodes ?? [])),
    options.atoms ?? {},
  );
  const notes: string[] = [];
  const concrete = concreteNamespaces(clusters);
  const selectors = indexSelectors(atoms);
  const namespaces = namespaceEntries(clusters, concrete, selectors);
  const podSpace = new LabelSpace(selectors.pods);
  const pieces = podPieces(namespaces.entries, selectors, podSpace);

  // Addresses: every ipBlock cuts pods' addresses too, unless that makes too many witnesses.
  const addresses = partitionAddresses(atoms.ipBlocks);
  const max = options.maxWitnesses ?? DEFAULT_MAX_WITNESSES;
  let podAddresses = addresses.map((_, i) => i);
  if (addresses.length > 1 && pieces.length * addresses.length > max) {
    const home = addresses.findIndex((a) => addressInClass(a, '198.18.0.1'));
    podAddresses = [Math.max(home, 0)];
    notes.push(
      `${pieces.length} pod classes × ${addresses.length} address classes exceed ${max}: every pod class is analysed at one address (${inWords(at(addresses, first(podAddresses)).description)}); ipBlocks are not used to tell pods apart`,
    );
  }

  const ports = witnessPorts(clusters, atoms, notes);
  const portNames = new Map(ports.map((p) => [`${p.protocol}/${p.port}`, p.name as string]));
  const placed = placeWitnesses(pieces, namespaces, podSpace, addresses, podAddresses, ports);
  const describe = describer(pieces, namespaces, podSpace, placed.classPieces, addresses, podAddresses);
  const classes = symbolicClasses(placed, describe, addresses, podAddresses.length > 1);
  const { entries } = namespaces;

  return {
    classes,
    witnesses: placed.witnesses,
    addresses,
    notes,
    portNames,
    describeUnion: describe.union,
    hasVariants: entries.some((e) => e.variant > 0),
    compatible(a, b) {
      const x = at(placed.witnesses, a);
      const y = at(placed.witnesses, b);
      return x.realNamespace !== y.realNamespace || x.variant === y.variant;
    },
    witnessCluster: (cluster) => witnessCluster(cluster, placed.witnesses, concrete, entries),
    classOf: classifier(concrete, namespaces, selectors, pieces, addresses, podAddresses, placed.classKey),
  };
}

/** Namespaces every version defines with the same labels are concrete. */
function concreteNamespaces(clusters: readonly ClusterModel[]): Map<string, NamespaceModel> {
  const allNames = new Set(clusters.flatMap((c) => [...c.namespaces.keys()]));
  const concrete = new Map<string, NamespaceModel>();
  for (const name of allNames) {
    const models = clusters.map((c) => c.namespaces.get(name));
    const first = models[0];
    if (!first || first.implicit) continue;
    const same = models.every((m) => m && !m.implicit && labelsKey(m.labels) === labelsKey(first.labels));
    if (same) concrete.set(name, first);
  }
  return concrete;
}

/** The distinct namespace and pod selectors of the atoms, and each atom as indices into them. */
interface Selectors {
  namespaces: LabelSelectorModel[];
  pods: LabelSelectorModel[];
  /** Per pod atom: its namespace selector's index, its pod selector's (-1: any pod). */
  refs: { ns: number; pod: number }[];
}

function indexSelectors(atoms: SymbolicAtoms): Selectors {
  const namespaces = uniqueSelectors(atoms.pods.map((a) => a.namespaceSelector));
  const pods = uniqueSelectors(
    atoms.pods.flatMap((a) => (a.podSelector && !isEmptySelector(a.podSelector) ? [a.podSelector] : [])),
  );
  const nsIndex = new Map(namespaces.map((s, i) => [selectorKey(s), i]));
  const podIndex = new Map(pods.map((s, i) => [selectorKey(s), i]));
  const refs = atoms.pods.map((a) => ({
    ns: nsIndex.get(selectorKey(a.namespaceSelector)) as number,
    pod: a.podSelector && !isEmptySelector(a.podSelector) ? (podIndex.get(selectorKey(a.podSelector)) as number) : -1,
  }));
  return { namespaces, pods, refs };
}

/** The atoms whose namespace selector matches (`matches`: one bit per namespace selector). */
function relevantAtoms(refs: Selectors['refs'], matches: Uint8Array): number[] {
  return refs.map((r, i) => (matches[r.ns] ? i : -1)).filter((i) => i >= 0);
}

/** Pieces that match the same atoms (and, in a concrete namespace, the same namespace) are one class. */
function pieceSignature(entry: NamespaceEntry, matched: readonly number[]): string {
  return `${entry.concrete ? `c:${entry.name}|` : ''}${matched.join(',')}`;
}

/** The namespace label space and its entries: one per (namespace class, name), so each has one name. */
interface NamespaceSpace {
  space: LabelSpace;
  /** Namespace names some selector or the input names. */
  nameValues: readonly string[];
  /** The name bits of namespaces that are not concrete. */
  symbolicNames: bigint;
  entries: NamespaceEntry[];
  matchers: LabelMatcher[];
}

function namespaceEntries(
  clusters: readonly ClusterModel[],
  concrete: ReadonlyMap<string, NamespaceModel>,
  selectors: Selectors,
): NamespaceSpace {
  const allNames = new Set(clusters.flatMap((c) => [...c.namespaces.keys()]));
  const space = new LabelSpace(selectors.namespaces, { [NAMESPACE_NAME_LABEL]: [...allNames] });
  const nameValues = space.values(NAMESPACE_NAME_LABEL);
  const nameBit = (name: string) => space.valueMask(NAMESPACE_NAME_LABEL, name);
  const concreteBits = [...concrete.keys()].reduce((m, n) => m | nameBit(n), 0n);
  const symbolicNames = space.full(NAMESPACE_NAME_LABEL) & ~ABSENT & ~concreteBits;
  const taken = new Set([...nameValues, ...allNames]);

  const entries: NamespaceEntry[] = [];
  const entryKey = new Map<string, number>();
  let fresh = 0;
  const freshName = () => {
    for (;;) {
      fresh++;
      const candidate = fresh === 1 ? 'other-ns' : `other-ns-${fresh}`;
      if (!taken.has(candidate)) return candidate;
    }
  };
  const nsClasses = partitionLabels(space, selectors.namespaces, new Map([[NAMESPACE_NAME_LABEL, symbolicNames]]));
  const otherBit = space.otherMask(NAMESPACE_NAME_LABEL);
  const nameBits = nameValues.map((v) => nameBit(v));
  nsClasses.forEach((cls, c) => {
    for (const cell of cls.cells) {
      const names = cell.get(NAMESPACE_NAME_LABEL) ?? symbolicNames;
      const split = (bit: bigint, name: string | undefined) => {
        if ((names & bit) === 0n) return;
        const key = `${c}:${name ?? '*'}`;
        let index = entryKey.get(key);
        if (index === undefined) {
          index = entries.length;
          entryKey.set(key, index);
          entries.push({
            matches: cls.matches,
            cells: [],
            name: name ?? freshName(),
            named: name !== undefined,
            variant: 0,
          });
        }
        at(entries, index).cells.push(new Map(cell).set(NAMESPACE_NAME_LABEL, bit));
      };
      for (let i = 0; i < nameValues.length; i++) split(at(nameBits, i), nameValues[i]);
      split(otherBit, undefined);
    }
  });
  const matchers = selectors.namespaces.map(compileSelector);
  for (const [name, model] of concrete) {
    const labels = model.labels;
    entries.push({
      matches: Uint8Array.from(matchers, (matches) => (matches(labels) ? 1 : 0)),
      cells: [new Map([[NAMESPACE_NAME_LABEL, nameBit(name)]])],
      name,
      named: true,
      concrete: model,
      variant: 0,
    });
  }
  // Label variants of one named namespace never meet; the first keeps the real name.
  const variants = new Map<string, number>();
  for (const entry of entries) {
    const k = variants.get(entry.name) ?? 0;
    variants.set(entry.name, k + 1);
    entry.variant = k;
  }
  return { space, nameValues, symbolicNames, entries, matchers };
}

/** Pod labels of one namespace entry, with the atoms they match. */
interface Piece {
  entry: number;
  cells: LabelCell[];
  signature: string;
}

/** Pod classes per namespace entry (cut by the pod selectors that reach into it), as pieces. */
function podPieces(entries: readonly NamespaceEntry[], selectors: Selectors, podSpace: LabelSpace): Piece[] {
  const { refs } = selectors;
  const podCache = new Map<string, ReturnType<typeof partitionLabels>>();
  const pieces: Piece[] = [];
  entries.forEach((entry, e) => {
    const relevant = relevantAtoms(refs, entry.matches);
    const local = [...new Set(relevant.map((i) => at(refs, i).pod).filter((p) => p >= 0))].sort((a, b) => a - b);
    const key = local.join(',');
    let classes = podCache.get(key);
    if (!classes) {
      classes = partitionLabels(
        podSpace,
        local.map((i) => at(selectors.pods, i)),
      );
      podCache.set(key, classes);
    }
    const position = new Map(local.map((p, i) => [p, i]));
    for (const cls of classes) {
      const matched = relevant.filter(
        (i) => at(refs, i).pod < 0 || cls.matches[position.get(at(refs, i).pod) as number],
      );
      pieces.push({ entry: e, cells: cls.cells, signature: pieceSignature(entry, matched) });
    }
  });
  return pieces;
}

/** The classes (pieces × addresses with one signature) and their witness pods, twins last. */
interface Placement {
  /** `signature@address` → class. */
  classKey: Map<string, number>;
  classPieces: { pieces: number[]; address: number }[];
  witnesses: Witness[];
}

function placeWitnesses(
  pieces: readonly Piece[],
  namespaces: NamespaceSpace,
  podSpace: LabelSpace,
  addresses: readonly AddressClass[],
  podAddresses: readonly number[],
  ports: ContainerPortModel[],
): Placement {
  const classKey = new Map<string, number>();
  const classPieces: Placement['classPieces'] = [];
  const witnesses: Witness[] = [];
  const nsModel = (entry: NamespaceEntry): NamespaceModel => {
    if (entry.model) return entry.model;
    if (entry.concrete) entry.model = entry.concrete;
    else {
      const labels = {
        ...namespaces.space.witness(first(entry.cells), (_k, values) => freshValue(values)),
        [NAMESPACE_NAME_LABEL]: entry.name,
      };
      entry.model = { name: internalName(entry), labels, implicit: false };
    }
    return entry.model;
  };
  pieces.forEach((piece, p) => {
    for (const a of podAddresses) {
      const key = `${piece.signature}@${a}`;
      let c = classKey.get(key);
      if (c === undefined) {
        c = classPieces.length;
        classKey.set(key, c);
        classPieces.push({ pieces: [], address: a });
      }
      at(classPieces, c).pieces.push(p);
      const entry = at(namespaces.entries, piece.entry);
      const namespace = nsModel(entry);
      const n = witnesses.length;
      const pod: PodModel = {
        id: `${namespace.name}/pod-${n}`,
        namespace: namespace.name,
        name: `pod-${n}`,
        labels: podSpace.witness(first(piece.cells), (_k, values) => freshValue(values)),
        ips: [pickAddress(at(addresses, a), [POD_RANGE], n)],
        ports,
        hostNetwork: false,
      };
      witnesses.push({ pod, namespace, realNamespace: entry.name, variant: entry.variant, classIndex: c, twin: false });
    }
  });
  // One twin per class, so "a pod of the class to another pod of the class" is asked too.
  const firstOf = new Map<number, Witness>();
  for (const w of witnesses) if (!firstOf.has(w.classIndex)) firstOf.set(w.classIndex, w);
  classPieces.forEach((cls, c) => {
    const first = firstOf.get(c) as Witness;
    const n = witnesses.length;
    const name = `pod-${n}`;
    const pod: PodModel = {
      ...first.pod,
      id: `${first.namespace.name}/${name}`,
      name,
      ips: [pickAddress(at(addresses, cls.address), [POD_RANGE], n)],
    };
    witnesses.push({ ...first, pod, twin: true });
  });
  return { classKey, classPieces, witnesses };
}

/** Descriptions: a class (or a union of classes) is the union of its pieces' cells. */
interface Describer {
  /** A class's labels part, and whether its namespace is concrete. */
  labels(c: number): { labels: string; concrete: boolean };
  union(classes: readonly number[]): string;
}

function describer(
  pieces: readonly Piece[],
  namespaces: NamespaceSpace,
  podSpace: LabelSpace,
  classPieces: Placement['classPieces'],
  addresses: readonly AddressClass[],
  podAddresses: readonly number[],
): Describer {
  const { space: nsSpace, entries, nameValues, symbolicNames } = namespaces;
  const splitAddresses = podAddresses.length > 1;
  const nsFull = (key: string) => (key === NAMESPACE_NAME_LABEL ? symbolicNames : nsSpace.full(key));
  const combinedFull = (key: string) => (key.startsWith('n\0') ? nsFull(key.slice(2)) : podSpace.full(key.slice(2)));
  const cellsOf = (c: number): LabelCell[] => {
    const cells: LabelCell[] = [];
    for (const p of new Set(at(classPieces, c).pieces)) {
      const piece = at(pieces, p);
      for (const nsCell of at(entries, piece.entry).cells) {
        for (const podCell of piece.cells) {
          const cell = new Map<string, bigint>();
          for (const [k, v] of nsCell) cell.set(`n\0${k}`, v);
          for (const [k, v] of podCell) cell.set(`p\0${k}`, v);
          cells.push(cell);
        }
      }
    }
    return cells;
  };
  const isConcrete = (c: number) => at(entries, at(pieces, first(at(classPieces, c).pieces)).entry).concrete;
  const describeCells = (cells: LabelCell[], concreteNs: boolean): string[] => {
    const merged = cells.length <= 256 ? mergeCells({ full: combinedFull }, cells) : cells;
    const parts = merged.map((cell) => {
      const nsCell = new Map<string, bigint>();
      const podCell = new Map<string, bigint>();
      for (const [k, v] of cell) (k.startsWith('n\0') ? nsCell : podCell).set(k.slice(2), v);
      return `${describeNamespace(nsSpace, nsCell, nameValues, symbolicNames, concreteNs)}/{${podSpace.describe(podCell).join(',')}}`;
    });
    return [...new Set(parts)].sort();
  };
  return {
    labels(c) {
      const concrete = isConcrete(c) !== undefined;
      return { labels: describeCells(cellsOf(c), concrete).join(' | '), concrete };
    },
    union(indices) {
      const groups = new Map<string, { cells: LabelCell[]; concrete: boolean; address: number }>();
      for (const c of indices) {
        const ns = isConcrete(c);
        const key = `${at(classPieces, c).address}|${ns ? ns.name : '*'}`;
        const group = groups.get(key) ?? { cells: [], concrete: ns !== undefined, address: at(classPieces, c).address };
        group.cells.push(...cellsOf(c));
        groups.set(key, group);
      }
      const addressesOf = new Map<string, Set<number>>();
      for (const g of groups.values()) {
        for (const text of describeCells(g.cells, g.concrete)) {
          addressesOf.set(text, (addressesOf.get(text) ?? new Set()).add(g.address));
        }
      }
      const parts: string[] = [];
      for (const [text, set] of addressesOf) {
        if (!splitAddresses || set.size === podAddresses.length) parts.push(text);
        else for (const a of set) parts.push(`${text}@${at(addresses, a).description}`);
      }
      return parts.sort().join(' | ');
    },
  };
}

/** Each class described (ids made unique), with its witnesses and twin. */
function symbolicClasses(
  placed: Placement,
  describe: Describer,
  addresses: readonly AddressClass[],
  splitAddresses: boolean,
): SymbolicClass[] {
  const classes: SymbolicClass[] = placed.classPieces.map((cls, c) => {
    const { labels, concrete } = describe.labels(c);
    const address = splitAddresses ? at(addresses, cls.address).description : undefined;
    return {
      id: address ? `${labels}@${address}` : labels,
      labels,
      address,
      witness: -1,
      twin: -1,
      witnesses: [],
      concrete,
    };
  });
  placed.witnesses.forEach((w, i) => {
    const cls = at(classes, w.classIndex);
    if (w.twin) {
      cls.twin = i;
      return;
    }
    if (cls.witness < 0) cls.witness = i;
    cls.witnesses.push(i);
  });
  const seen = new Map<string, number>();
  for (const cls of classes) {
    const k = (seen.get(cls.id) ?? 0) + 1;
    seen.set(cls.id, k);
    if (k > 1) cls.id = `${cls.id} #${k}`;
  }
  return classes;
}

/** `cluster`'s policies over the witnesses (a namespace's policies copied into its variants). */
function witnessCluster(
  cluster: ClusterModel,
  witnesses: readonly Witness[],
  concrete: ReadonlyMap<string, NamespaceModel>,
  entries: readonly NamespaceEntry[],
): ClusterModel {
  const namespaces = new Map<string, NamespaceModel>();
  for (const w of witnesses) namespaces.set(w.namespace.name, w.namespace);
  for (const [name, model] of concrete) namespaces.set(name, model);
  const policies: PolicyModel[] = [];
  for (const policy of cluster.policies) {
    policies.push(policy);
    for (const entry of entries) {
      if (entry.variant === 0 || entry.name !== policy.namespace) continue;
      const namespace = internalName(entry);
      policies.push({ ...policy, namespace, id: `${namespace}/${policy.name}` });
    }
  }
  for (const policy of policies) {
    if (!namespaces.has(policy.namespace)) {
      namespaces.set(policy.namespace, {
        name: policy.namespace,
        labels: { [NAMESPACE_NAME_LABEL]: policy.namespace },
        implicit: true,
      });
    }
  }
  const pods = witnesses.map((w) => w.pod).sort(compareNsName);
  // Admin tiers select namespaces by labels only (never by the policy's own namespace), so
  // they need no copies for namespace variants.
  return {
    namespaces,
    pods,
    workloads: [],
    services: [],
    policies,
    ...(cluster.adminPolicies ? { adminPolicies: cluster.adminPolicies } : {}),
    ...(cluster.nodes ? { nodes: cluster.nodes } : {}),
  };
}

/** The class a possible pod falls in: its namespace entry, its piece, its address class. */
function classifier(
  concrete: ReadonlyMap<string, NamespaceModel>,
  namespaces: NamespaceSpace,
  selectors: Selectors,
  pieces: readonly Piece[],
  addresses: readonly AddressClass[],
  podAddresses: readonly number[],
  classKey: ReadonlyMap<string, number>,
): SymbolicSpace['classOf'] {
  const { entries, matchers: nsMatchers, nameValues } = namespaces;
  const { refs } = selectors;
  const podMatchers = selectors.pods.map(compileSelector);
  const entryOf = new Map<string, number>();
  entries.forEach((e, i) => {
    if (e.named) entryOf.set(`${e.name}:${e.matches.join('')}`, i);
    else entryOf.set(`*:${e.matches.join('')}`, i);
  });
  const pieceOf = new Map<string, number>();
  pieces.forEach((piece, p) => {
    if (!pieceOf.has(`${piece.entry}:${piece.signature}`)) pieceOf.set(`${piece.entry}:${piece.signature}`, p);
  });
  return (pod) => {
    const nsLabels = { ...pod.namespaceLabels, [NAMESPACE_NAME_LABEL]: pod.namespace };
    const matches = nsMatchers.map((m) => (m(nsLabels) ? 1 : 0)).join('');
    const c = concrete.get(pod.namespace);
    if (c && labelsKey(c.labels) !== labelsKey(nsLabels)) return undefined;
    const named = c !== undefined || nameValues.includes(pod.namespace);
    const e = entryOf.get(`${named ? pod.namespace : '*'}:${matches}`);
    if (e === undefined) return undefined;
    const relevant = relevantAtoms(refs, at(entries, e).matches);
    const matched = relevant.filter((i) => at(refs, i).pod < 0 || at(podMatchers, at(refs, i).pod)(pod.labels));
    const signature = pieceSignature(at(entries, e), matched);
    const p = pieceOf.get(`${e}:${signature}`);
    if (p === undefined) return undefined;
    const a =
      podAddresses.length === 1 || pod.ip === undefined
        ? podAddresses[0]
        : addresses.findIndex((x) => addressInClass(x, pod.ip as string));
    return classKey.get(`${signature}@${a}`);
  };
}

/** `prod`, `prod{team=a}`, `{team=a}`, `*`, `{kubernetes.io/metadata.name notin (a,b)}`. */
function describeNamespace(
  space: LabelSpace,
  cell: LabelCell,
  names: readonly string[],
  symbolicNames: bigint,
  concrete: boolean,
): string {
  const mask = cell.get(NAMESPACE_NAME_LABEL) ?? symbolicNames;
  // A namespace the input defines is its name (its labels are known).
  if (concrete) {
    const name = names.find((_, k) => mask === 1n << BigInt(k + 1));
    if (name !== undefined) return name;
  }
  const labels = space.describe(cell, (k) => k === NAMESPACE_NAME_LABEL);
  const bit = (i: number) => 1n << BigInt(i + 1);
  const inside = names.filter((_, i) => (mask & bit(i)) !== 0n);
  const otherIncluded = (mask & (1n << BigInt(names.length + 1))) !== 0n;
  const braces = (parts: string[]) => `{${parts.join(',')}}`;
  if (!otherIncluded && inside.length === 1)
    return labels.length > 0 && !concrete ? `${inside[0]}${braces(labels)}` : first(inside);
  if (mask === symbolicNames) return labels.length > 0 ? braces(labels) : '*';
  if (!otherIncluded) return braces([`${NAMESPACE_NAME_LABEL} in (${inside.join(',')})`, ...labels]);
  const excluded = names.filter((_, i) => (symbolicNames & bit(i)) !== 0n && (mask & bit(i)) === 0n);
  return braces([
    ...labels,
    excluded.length === 1
      ? `${NAMESPACE_NAME_LABEL}!=${excluded[0]}`
      : `${NAMESPACE_NAME_LABEL} notin (${excluded.join(',')})`,
  ]);
}

function internalName(entry: NamespaceEntry): string {
  return entry.variant === 0 ? entry.name : `${entry.name}~${entry.variant + 1}`;
}

/**
 * Container ports of every witness: each port name a rule names, at a number no rule names
 * (so a named rule and a numbered one never meet by accident on a witness).
 */
function witnessPorts(clusters: readonly ClusterModel[], atoms: SymbolicAtoms, notes: string[]): ContainerPortModel[] {
  if (atoms.portNames.length === 0) return [];
  const covered = clusters.flatMap((c) => numberedPorts(c).map((p): [number, number] => [p.first, p.last]));
  const free = (n: number) => !covered.some(([a, b]) => n >= a && n <= b);
  const out: ContainerPortModel[] = [];
  let next = 30000;
  for (const { name, protocol } of atoms.portNames) {
    let tries = 0;
    while (!free(next) && tries < 35000) {
      next = next >= 65535 ? 1024 : next + 1;
      tries++;
    }
    out.push({ name, protocol, port: next });
    next++;
  }
  if (covered.length > 0) {
    notes.push(
      `named ports (${[...new Set(atoms.portNames.map((p) => p.name))].join(', ')}) are analysed at numbers no rule names; a pod whose named port is also a number a rule names gets both rules`,
    );
  }
  return out;
}

function uniqueSelectors(list: readonly LabelSelectorModel[]): LabelSelectorModel[] {
  return [...new Map(list.map((s) => [selectorKey(s), s] as const)).values()];
}

function labelsKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function freshValue(taken: readonly string[]): string {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? 'other' : `other-${i}`;
    if (!taken.includes(candidate)) return candidate;
  }
}

/** Address descriptions read either "in X, not in Y" or a bare CIDR list; a note wants the former. */
function inWords(description: string): string {
  return description.startsWith('in ') ? description : `in ${description}`;
}
