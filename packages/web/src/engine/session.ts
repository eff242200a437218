import {
  type ClusterModel,
  checkEndpoints,
  compileCluster,
  createLoadCache,
  createReferenceEngine,
  formatPath,
  formatPortQuery,
  type Issue,
  type LoadCache,
  type LoadedCluster,
  loadCluster,
  originLocation,
  type PodModel,
  type PortQuery,
  parsePortQuery,
  positionOf,
  resolveEndpoint,
  type SourceFile,
  unmovedModel,
} from '@netpol/core';
import {
  type ClusterDiff,
  changedSides,
  diffClusters,
  diffVersions,
  sharedPodRanges,
  unanalyzedChanges,
} from '@netpol/core/diff';
import {
  adminPoliciesOfPod,
  explainPodTraffic,
  explainPolicy,
  type PodTrafficSide,
  type RuleExplanation,
} from '@netpol/core/explain';
import {
  adminPolicyName,
  checkHeadline,
  checkReasonLines,
  checkToJson,
  plural,
  portQueryWords,
  portSpansWords,
  renderDiff,
  renderMatrix,
  renderToString,
  ruleMatchWords,
} from '@netpol/core/format';
import { lintRuleByRule } from '@netpol/core/lint';
import {
  cellPeers,
  computeMatrix,
  defaultMatrixPorts,
  listMatrixEndpoints,
  type MatrixEndpoint,
} from '@netpol/core/matrix';
import {
  type AppInput,
  type CheckAnswer,
  type ConnectionChangeView,
  type DiffExportFormat,
  type DiffView,
  type EditPatch,
  type EndpointView,
  type InputFile,
  type IssueView,
  type MatrixBits,
  type MatrixExportFormat,
  OUT_OF_STEP,
  type PodMatrix,
  type PodSideView,
  type PolicyView,
  type RuleView,
  type SelectionView,
  type Summary,
  type TextChange,
} from '../protocol.js';
import { adminPolicyViews, adminSelection, findAdminPolicy, withoutAdminPolicies } from './admin-views.js';
import { applyChanges, composePatches, patchAround, patchOf } from './edit-patch.js';
import { preferredPort } from './preferred-port.js';

/** The files as read: parsed, validated, modelled (reused while only toggles change). */
interface Read {
  files: readonly InputFile[];
  sources: SourceFile[];
  loaded: LoadedCluster;
  issues: Issue[];
  ok: boolean;
}

interface Loaded {
  read: Read;
  sources: SourceFile[];
  loaded: LoadedCluster;
  issues: Issue[];
  ok: boolean;
  /** The port the page shows first (`preferredPort`), found once. */
  preferred?: { port: string | undefined };
  /**
   * The model with the toggled-off policies left out, for verdicts: after an edit that moved
   * List items, the one it equals but for origins (core's unmovedModel), whose places may be
   * an earlier text's: never cite a place from it.
   */
  cluster: ClusterModel;
  /** The same, with this state's own origins: for every place shown (reasons, lint, selection). */
  placed: ClusterModel;
  endpoints: MatrixEndpoint[];
  ports: PortQuery[];
  /**
   * The matrix answers by port (`matrix`), kept: an edit that changes no verdict shares them.
   * Only the answers: the engine's result (its classes' tables, ~1.7 MB a port at 10k pods in
   * the browser) is dropped once they are read, as every port the page showed kept one.
   */
  bits: Map<string, MatrixBits>;
  /**
   * The answers before the edit that made this state, and the directions of each endpoint it
   * may have changed (core's changedSides): a port's matrix is those answers with the changed
   * rows and columns asked again.
   */
  carried?: { bits: Map<string, MatrixBits>; sides: { egress: boolean; ingress: boolean }[] };
  /**
   * The state before the edit that made this one, until a matrix is asked: what it keeps of
   * that state's matrices (carryMatrices) is found then, not before the summary (the what-if
   * shows without waiting for core's changedSides).
   */
  carryFrom?: Loaded;
  lint?: IssueView[];
  /** The diff against `--base` (computed when the Diff view asks). */
  baseDiff?: { against: Loaded; diff: ClusterDiff };
}

/**
 * `cache`: the files read before; an edit re-reads only the edited file (core's LoadCache).
 * `after`: the model of the state edited, whose pods, workloads, Services and namespaces the
 * new model shares when only policies changed (core's BuildOptions.after).
 */
function read(
  files: readonly InputFile[],
  namespace: string,
  cache: LoadCache,
  podCidr?: string[],
  after?: ClusterModel,
): Read {
  const sources = files.map((f) => ({ name: f.name, text: f.text }));
  const result = loadCluster(sources, {
    defaultNamespace: namespace,
    cache,
    ...(podCidr ? { podCidr } : {}),
    ...(after ? { after } : {}),
  });
  return { files, sources, loaded: result.value, issues: [...result.issues], ok: result.ok };
}

/** Whether two lists hold the same objects in the same order. */
function sameItems(a: readonly object[], b: readonly object[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * `like`: the state before, whose ports (and preferred port) are this one's when its
 * endpoints and policies are the same objects (an edit that changed neither: a comment, items
 * moved): finding them reads every policy's rules (~8 ms at 10k pods).
 */
function derive(input: Read, disabled: ReadonlySet<string> = new Set(), like?: Loaded): Loaded {
  const own = input.loaded.cluster;
  const toggled = (full: ClusterModel) =>
    disabled.size === 0
      ? full
      : withoutAdminPolicies({ ...full, policies: full.policies.filter((p) => !disabled.has(p.id)) }, disabled);
  // After an edit that moved List items (a line above them), the model's pods, workloads and
  // Services are copies at their new places: verdicts are asked of the model they equal but
  // for origins (the input's objects: what is kept per model stays), places of the own one.
  const unmoved = unmovedModel(own);
  const cluster = toggled(unmoved);
  const placed = unmoved === own ? cluster : toggled(own);
  const listed = listMatrixEndpoints(cluster);
  const endpoints = listed.ok ? listed.value : [];
  const portsAlike =
    like !== undefined && sameItems(like.endpoints, endpoints) && sameItems(like.cluster.policies, cluster.policies);
  return {
    read: input,
    sources: input.sources,
    loaded: input.loaded,
    issues: input.issues,
    ok: input.ok,
    cluster,
    placed,
    endpoints,
    ...(portsAlike
      ? { ports: like.ports, ...(like.preferred ? { preferred: like.preferred } : {}) }
      : { ports: defaultMatrixPorts(cluster, endpoints) }),
    bits: new Map(),
  };
}

/**
 * What `next` keeps of `prev`'s matrices: all of them when no verdict changed, else the
 * changed directions of each endpoint (core's changedSides; a workload's second replica
 * counts: the matrix's diagonal is one replica to another), or nothing when the endpoints
 * are not the same ones in the same order or every pair may have changed.
 */
function carryMatrices(prev: Loaded, next: Loaded): void {
  if (prev.bits.size === 0 || prev.endpoints.length !== next.endpoints.length) return;
  const pods: [PodModel, PodModel][] = [];
  // Each endpoint's pods in `pods` (none for an outside address: the same id is the same address).
  const podsOf: number[][] = [];
  for (let k = 0; k < prev.endpoints.length; k++) {
    const a = prev.endpoints[k];
    const b = next.endpoints[k];
    if (!a || !b || a.id !== b.id || a.kind !== b.kind) return;
    const own: number[] = [];
    podsOf.push(own);
    if (a.kind === 'external' || b.kind === 'external') continue;
    own.push(pods.push([a.pod, b.pod]) - 1);
    const before = a.kind === 'workload' ? a.workload.pods[1] : undefined;
    const after = b.kind === 'workload' ? b.workload.pods[1] : undefined;
    if (!before !== !after) return;
    if (before && after) own.push(pods.push([before, after]) - 1);
  }
  const found = changedSides(prev.cluster, next.cluster, pods);
  if (!found) return;
  const sides = podsOf.map((own) => {
    const [first, second] = own.map((i) => found[i] as { egress: boolean; ingress: boolean });
    if (!first) return { egress: false, ingress: false };
    if (!second) return first;
    // A second replica's change is its endpoint's diagonal: both directions are asked again.
    const either = first.egress || first.ingress || second.egress || second.ingress;
    return { egress: either, ingress: either };
  });
  // The answers only: a MatrixResult keeps the model it was computed on (and its text), every
  // later edit that changes no verdict would keep that state's whole model.
  if (sides.every((side) => !side.egress && !side.ingress)) next.bits = prev.bits;
  else next.carried = { bits: prev.bits, sides };
}

/** The matrices `state` keeps of the state before it, found once (see `carryFrom`). */
function settle(state: Loaded): void {
  if (!state.carryFrom) return;
  carryMatrices(state.carryFrom, state);
  state.carryFrom = undefined;
}

/** A port's matrix computed (core's computeMatrix over every endpoint): its answers. */
function computedMatrix(state: Loaded, key: string, query: PortQuery): MatrixBits {
  const result = computeMatrix(state.cluster, { endpoints: state.endpoints, ports: [query] });
  const n = result.endpoints.length;
  const bits = new Uint32Array(n * result.rowWords);
  for (let i = 0; i < n; i++) bits.set(result.row(i, 0), i * result.rowWords);
  return { port: key, n, rowWords: result.rowWords, bits };
}

/**
 * Ask the engine at most this many cells again (a few µs each); past it the whole matrix is
 * computed, which costs about as much (~100 ms at 2,000 endpoints) whatever changed.
 */
const CARRIED_CELLS = 16_000;

/**
 * A port's matrix from the one before the edit: the rows of endpoints whose egress may have
 * changed and the columns of those whose ingress may have are asked of the engine again, cell
 * by cell as the matrix judges a cell (core's cellPeers: a workload's diagonal is one replica
 * to another; two outside addresses: no cell); every other cell is the same verdict. Only the
 * bit is asked (the compiled cluster's `allowed`, not a verdict with reasons).
 */
function carriedMatrix(state: Loaded, key: string, query: PortQuery): MatrixBits | undefined {
  const before = state.carried?.bits.get(key);
  if (!state.carried || !before || before.n !== state.endpoints.length) return undefined;
  const { sides } = state.carried;
  const { endpoints } = state;
  const n = endpoints.length;
  const rows = sides.flatMap((side, i) => (side.egress ? [i] : []));
  const cols = sides.flatMap((side, j) => (side.ingress ? [j] : []));
  if ((rows.length + cols.length) * n > CARRIED_CELLS) return undefined;
  const compiled = compileCluster(state.cluster);
  const { rowWords } = before;
  const bits = before.bits.slice();
  // A column is asked after its ingress changed: that side first (it denies most sources).
  const ask = (i: number, j: number, ingressFirst: boolean) => {
    const a = endpoints[i] as MatrixEndpoint;
    const b = endpoints[j] as MatrixEndpoint;
    const allowed =
      a.kind === 'external' && b.kind === 'external'
        ? false
        : compiled.allowed(...cellPeers(a, b), query, ingressFirst);
    const word = i * rowWords + (j >>> 5);
    if (allowed) bits[word]! |= 1 << (j & 31);
    else bits[word]! &= ~(1 << (j & 31));
  };
  for (const i of rows) for (let j = 0; j < n; j++) ask(i, j, false);
  for (const j of cols) for (let i = 0; i < n; i++) if (!sides[i]?.egress) ask(i, j, true);
  return { port: key, n, rowWords, bits };
}

/** `pod` of `state.cluster` (its endpoints') as placed in `state.placed` (the same order of pods). */
function placedPod(state: Loaded, pod: PodModel): PodModel {
  if (state.placed === state.cluster) return pod;
  return state.placed.pods[state.cluster.pods.indexOf(pod)] ?? pod;
}

function load(files: readonly InputFile[], namespace: string, cache: LoadCache, podCidr?: string[]): Loaded {
  return derive(read(files, namespace, cache, podCidr));
}

/**
 * One browser session's engine state (it runs in the Web Worker): the input as loaded, the
 * user's unsaved edits and toggled-off policies, and what they open and close.
 */
export class Session {
  private input: AppInput;
  private files: InputFile[];
  private readonly disabled = new Set<string>();
  /**
   * The endpoint views of the last summaries, by pod (an edit keeps the pods it did not change):
   * a summary reuses a view equal to the one before, not 2,000 new ones and their labels at
   * every edit (the page gets the list only when it differs: summary-wire.ts).
   */
  private readonly views = new WeakMap<PodModel, EndpointView>();
  /** Each edited file's edits as patches of the input, one a span typed in (`patches`: the share link). */
  private readonly edits = new Map<string, EditPatch[]>();
  private original: Loaded;
  private current: Loaded;
  private base: Loaded | undefined;
  /** Files as read, kept across edits and reloads: only a changed file is read again. */
  private readonly cache = createLoadCache();
  private readonly baseCache = createLoadCache();
  /**
   * The cache's entries for the input as loaded: put back when the edits are undone, so the
   * next edit is compared with the input (one changed span, its items re-read), not with the
   * text undone (two spans: the whole file read again).
   */
  private inputSources = new Map(this.cache.sources);

  constructor(input: AppInput) {
    this.input = input;
    this.files = input.files;
    this.original = load(input.files, input.namespace, this.cache);
    this.inputSources = new Map(this.cache.sources);
    this.current = this.original;
    this.base = input.base ? load(input.base, input.namespace, this.baseCache) : undefined;
  }

  /** A new input from disk (serve reloads): edits and toggles are dropped. */
  reload(input: AppInput): Summary {
    this.input = input;
    this.files = input.files;
    this.edits.clear();
    this.disabled.clear();
    this.original = load(input.files, input.namespace, this.cache);
    this.inputSources = new Map(this.cache.sources);
    this.current = this.original;
    this.base = input.base ? load(input.base, input.namespace, this.baseCache) : undefined;
    return this.summary();
  }

  edit(file: string, text: string): Summary {
    const before = this.text(file);
    return this.setText(file, text, before === undefined ? undefined : patchOf(file, before, text));
  }

  /**
   * An edit as the editor's changes of the file's text as held here (`length` long): the text
   * is made here, and the span the edit changed comes from the changes, not from comparing the
   * texts (the page posts a few bytes, not the file). Throws `OUT_OF_STEP` when they do not fit
   * that text (nothing changed then; the page sends the whole text).
   */
  change(file: string, changes: readonly TextChange[], length: number): Summary {
    const before = this.text(file);
    if (before === undefined) throw new Error(`${OUT_OF_STEP} no file ${file}`);
    const text = applyChanges(before, changes, length);
    const first = changes[0];
    const last = changes.at(-1);
    if (!first || !last) return this.setText(file, text, patchOf(file, before, text));
    return this.setText(file, text, patchAround(file, before, text, first.from, last.to));
  }

  /** `file`'s text is now `text`, changed from the one before by `change` (its patch). */
  private setText(file: string, text: string, change: EditPatch | undefined): Summary {
    const original = this.input.files.find((f) => f.name === file)?.text;
    if (change && original !== undefined) {
      const patches = composePatches(this.edits.get(file) ?? [], change, original, text);
      if (patches.length > 0) this.edits.set(file, patches);
      else this.edits.delete(file);
    }
    this.files = this.files.map((f) => (f.name === file ? { name: f.name, text } : f));
    return this.recompute();
  }

  /** A file's text as edited (the page asks for the one it opens, never for all of them). */
  text(file: string): string | undefined {
    return this.files.find((f) => f.name === file)?.text;
  }

  /** The edited files, whole (to save them). */
  edited(): InputFile[] {
    return this.files.filter((f, i) => f.text !== this.input.files[i]?.text);
  }

  /**
   * The edits as patches of the input (for the share link): each span typed in, so a one-line
   * edit of a 3 MB file stays a few bytes, and so do two edits far apart in it (one span from
   * the first to the last was half the file at every keystroke).
   */
  patches(): EditPatch[] {
    return this.files.flatMap((f) => this.edits.get(f.name) ?? []);
  }

  toggle(policy: string, enabled: boolean): Summary {
    if (enabled) this.disabled.delete(policy);
    else this.disabled.add(policy);
    return this.recompute();
  }

  revert(): Summary {
    this.undoAll();
    return this.summary();
  }

  /** Every edit and toggle dropped: the input as loaded. */
  private undoAll(): void {
    this.files = this.input.files;
    this.edits.clear();
    this.disabled.clear();
    this.backToInput();
  }

  private backToInput(): void {
    this.current = this.original;
    for (const [name, source] of this.inputSources) this.cache.sources.set(name, source);
  }

  private recompute(): Summary {
    // Back to the input as loaded (an edit undone, a toggle put back): nothing to compare.
    if (this.disabled.size === 0 && this.files.every((f, i) => f.text === this.input.files[i]?.text)) {
      this.backToInput();
      return this.summary();
    }
    // Toggles alone reuse the parsed files: only the policy list changes (also after an edit
    // undone: the same texts in another list).
    const same = this.current.read.files.every((f, i) => f.text === this.files[i]?.text);
    const files =
      same && this.current.read.files.length === this.files.length
        ? this.current.read
        : read(this.files, this.input.namespace, this.cache, undefined, this.current.loaded.cluster);
    const next = derive(files, this.disabled, this.current);
    // Compiled with the input's as its donor: the namespaces whose policies the edit or toggle
    // left alone share the input's answers of which policies select each pod.
    compileCluster(next.cluster, this.original.cluster);
    // An edit that changes no verdict (a comment, a label nobody selects on) keeps the matrices;
    // one that does keeps the rows and columns it cannot change.
    settle(this.current); // what it keeps of the state before it is what the next one can keep
    next.carryFrom = this.current;
    this.current = next;
    return this.summary();
  }

  /** Lint findings of the current state (apart from the summary: seconds on 10k pods). */
  lint(): IssueView[] {
    const steps = this.lintSteps();
    for (;;) {
      const step = steps.next();
      if (step.done && step.value) return step.value;
      if (step.done) throw new Error('lint: the state changed while it ran'); // nothing here changes it
    }
  }

  /**
   * lint() a rule at a time (core's lintRuleByRule), so the worker can answer an edit between
   * rules: each `next()` runs one step. Done, it gives the findings of the state it began on,
   * or undefined when an edit, toggle, revert or reload changed the state meanwhile (stale:
   * the page asks again for its new summary).
   */
  lintSteps(): Generator<string, IssueView[] | undefined, void> {
    return this.lintStepsOf(this.current);
  }

  private *lintStepsOf(current: Loaded): Generator<string, IssueView[] | undefined, void> {
    const steps = lintRuleByRule({ cluster: current.placed, objects: current.loaded.objects });
    while (!current.lint) {
      if (this.current !== current) return undefined;
      const step = steps.next();
      if (step.done) current.lint = step.value.map((i) => issueView(i, current.sources, 'lint'));
      else yield step.value;
    }
    return this.current === current ? current.lint : undefined;
  }

  /** Where a policy is written (apart from the summary: locating thousands of objects is slow). */
  locate(policy: string): { file: string; line: number } | undefined {
    const all = this.current.loaded.cluster;
    const found = all.policies.find((p) => p.id === policy) ?? findAdminPolicy(all, policy);
    const where = found && originLocation(found.origin);
    return where ? { file: where.file, line: where.line } : undefined;
  }

  summary(): Summary {
    const { cluster, endpoints, ports } = this.current;
    const policyOf = new Map(this.current.loaded.cluster.policies.map((p) => [p.id, p]));
    const views: EndpointView[] = [];
    const compiled = compileCluster(cluster);
    for (const e of endpoints) {
      if (e.kind === 'external') continue;
      const selecting = compiled.policiesSelectingOnce(e.pod);
      const kind = e.kind === 'workload' ? e.workload.kind : 'Pod';
      const ingressIsolated = selecting.some((p) => p.policy.types.ingress);
      const egressIsolated = selecting.some((p) => p.policy.types.egress);
      const pods = e.kind === 'workload' ? e.workload.pods.length : 1;
      // The same pod model has the same labels (models are not changed once built).
      const known = this.views.get(e.pod);
      if (
        known &&
        known.id === e.id &&
        known.namespace === e.namespace &&
        known.name === e.name &&
        known.kind === kind &&
        known.pods === pods &&
        known.ingressIsolated === ingressIsolated &&
        known.egressIsolated === egressIsolated
      ) {
        views.push(known);
        continue;
      }
      const view = {
        id: e.id,
        namespace: e.namespace,
        name: e.name,
        kind,
        labels: { ...e.pod.labels },
        ingressIsolated,
        egressIsolated,
        pods,
      };
      this.views.set(e.pod, view);
      views.push(view);
    }
    const policies: PolicyView[] = [...policyOf.values()].map((p) => ({
      id: p.id,
      namespace: p.namespace,
      name: p.name,
      file: p.origin?.object.source.name,
      enabled: !this.disabled.has(p.id),
    }));
    const changed = this.current !== this.original;
    const portNames = ports.map(formatPortQuery);
    this.current.preferred ??= { port: preferredPort(cluster, portNames) };
    const { preferred } = this.current;
    return {
      ok: this.current.ok,
      fileNames: this.files.map((f) => f.name),
      issues: this.current.issues.map((i) => issueView(i, this.current.sources, 'validate')),
      endpoints: views,
      namespaces: [...new Set(views.map((v) => v.namespace))].sort(),
      ports: portNames,
      preferredPort: preferred.port,
      policies,
      adminPolicies: adminPolicyViews(this.current.loaded.cluster, this.disabled),
      whatIf: changed
        ? diffView(withUnanalyzed(diffClusters(this.original.cluster, cluster), this.original.read, this.current.read))
        : undefined,
      dirty: this.files.filter((f, i) => f.text !== this.input.files[i]?.text).map((f) => f.name),
    };
  }

  matrix(port: string): MatrixBits {
    const query = parsePortQuery(port);
    if (!query.ok) throw new Error(query.error.message);
    const key = formatPortQuery(query.value);
    this.lastPort = port;
    const known = this.matrixOf(key, query.value);
    // The page receives the buffer (transferred): it gets a copy, the kept one stays.
    return { ...known, bits: known.bits.slice() };
  }

  /** The port the page asked a matrix of last (it asks again after every summary). */
  private lastPort: string | undefined;

  /**
   * The matrix the page shows (the port it asked last) of the current state, when it is quick
   * to find: kept from the state before, or carried (only the rows and columns the change may
   * have changed asked again). The worker sends it with an edit's summary, so the page shows
   * both at once; undefined when it would be computed whole (see prepareMatrix).
   */
  quickMatrix(): MatrixBits | undefined {
    const query = this.lastPort === undefined ? undefined : parsePortQuery(this.lastPort);
    if (!query?.ok) return undefined;
    const key = formatPortQuery(query.value);
    const current = this.current;
    settle(current);
    let known = current.bits.get(key);
    if (!known) {
      known = carriedMatrix(current, key, query.value);
      if (!known) return undefined;
      current.bits.set(key, known);
    }
    return { ...known, bits: known.bits.slice() };
  }

  /**
   * The matrix the page will ask next (the port it asked last), of the current state, found
   * now: the worker calls this once it sent an edit's summary without it (quickMatrix found
   * none), so the matrix is computed while the page renders the summary, not after it asks.
   */
  prepareMatrix(): void {
    if (this.lastPort === undefined) return;
    const query = parsePortQuery(this.lastPort);
    if (query.ok) this.matrixOf(formatPortQuery(query.value), query.value);
  }

  /**
   * The input's side of the what-if diff, found ahead: the what-if of the input against itself,
   * whose answer is dropped, leaves with the input's model what every later what-if reads of it
   * (core keeps its endpoint samples, identities and compiled answers by model). The first edit
   * or toggle after a load paid it (~80 ms at 10k pods, the first toggle's cost nearly
   * halved); the worker calls this once the first view's matrix is answered, when it is idle.
   */
  prepareWhatIf(): void {
    if (this.current !== this.original) return; // an edit or toggle found it already
    diffClusters(this.original.cluster, this.original.cluster);
  }

  /**
   * The edit path run once before the user's first edit, on `file` (the one the editor opened):
   * a comment typed at the end of its first line (in a List, every item after it moves: the
   * costliest common edit), the shown port's quick matrix, then back to the input. Its code
   * (re-reading, moved items placed again, the build and diff of a moved List) was not yet
   * compiled by the JIT, and the user's first edit paid it; the worker calls this when the
   * editor opens a file (the first `editorOpened` after a load), before anyone can type. Only
   * while nothing is edited or toggled; nothing it leaves changes an answer (test).
   */
  prepareEdit(file: string): void {
    if (this.current !== this.original) return;
    const text = this.text(file);
    const eol = text?.indexOf('\n') ?? -1;
    if (text === undefined || eol < 0) return;
    try {
      this.change(file, [{ from: eol, to: eol, insert: ' #' }], text.length);
      this.quickMatrix();
    } finally {
      this.undoAll();
    }
  }

  private matrixOf(key: string, query: PortQuery): MatrixBits {
    const current = this.current;
    settle(current);
    let known = current.bits.get(key);
    if (!known) {
      known = carriedMatrix(current, key, query) ?? computedMatrix(current, key, query);
      current.bits.set(key, known);
    }
    return known;
  }

  /**
   * The pods of some endpoints by the pods of others (the Matrix view's pod level): the
   * workloads' every replica, judged as `matrix` judges pods (core's computeMatrix on just
   * these pods: a 2,000 × 2,000 block costs what its classes cost, not the cluster's).
   */
  podMatrix(port: string, rows: readonly string[], cols: readonly string[]): PodMatrix {
    const query = parsePortQuery(port);
    if (!query.ok) throw new Error(query.error.message);
    const byId = new Map(this.current.endpoints.map((e) => [e.id, e]));
    const podsOf = (ids: readonly string[]) =>
      ids.flatMap((id) => {
        const e = byId.get(id);
        if (!e || e.kind === 'external') return [];
        const pods = e.kind === 'workload' ? e.workload.pods : [e.pod];
        return pods.map((pod) => ({ pod, owner: id }));
      });
    const r = podsOf(rows);
    const c = podsOf(cols);
    const index = new Map<string, number>();
    const endpoints: MatrixEndpoint[] = [];
    for (const { pod } of [...r, ...c]) {
      if (index.has(pod.id)) continue;
      index.set(pod.id, endpoints.length);
      endpoints.push({ kind: 'pod', id: pod.id, namespace: pod.namespace, name: pod.name, pod });
    }
    const result = computeMatrix(this.current.cluster, { endpoints, ports: [query.value] });
    const rowWords = Math.ceil(c.length / 32);
    const bits = new Uint32Array(r.length * rowWords);
    const colAt = c.map(({ pod }) => index.get(pod.id) ?? 0);
    r.forEach(({ pod }, i) => {
      const row = result.row(index.get(pod.id) ?? 0, 0);
      colAt.forEach((k, j) => {
        if (((row[k >>> 5] ?? 0) & (1 << (k & 31))) !== 0) bits[i * rowWords + (j >>> 5)]! |= 1 << (j & 31);
      });
    });
    const axis = (list: typeof r) => list.map(({ pod, owner }) => ({ id: pod.id, owner }));
    return { port: formatPortQuery(query.value), rows: axis(r), cols: axis(c), rowWords, bits };
  }

  check(from: string, to: string, port: string): CheckAnswer {
    const query = parsePortQuery(port);
    if (!query.ok) return { ok: false, message: `Port: ${query.error.message}` };
    // The reasons cite lines: the state's own places.
    const cluster = this.current.placed;
    const options = { defaultNamespace: this.input.namespace };
    const a = resolveEndpoint(cluster, from, options);
    if (!a.ok) return { ok: false, message: `From: ${a.error.message}` };
    const b = resolveEndpoint(cluster, to, options);
    if (!b.ok) return { ok: false, message: `To: ${b.error.message}` };
    const result = checkEndpoints(createReferenceEngine(cluster), a.value, b.value, query.value);
    if (!result.ok) return { ok: false, message: `Port: ${result.error.message}` };
    const check = result.value;
    return {
      ok: true,
      allowed: check.allowed,
      headline: checkHeadline(check),
      lines: checkReasonLines(check),
      json: checkToJson(check),
    };
  }

  select(kind: 'pod' | 'policy', id: string): SelectionView {
    // The rules link to lines: the state's own places.
    const cluster = this.current.placed;
    if (kind === 'policy') {
      const policy = cluster.policies.find((p) => p.id === id);
      const admin = policy ? undefined : findAdminPolicy(cluster, id);
      if (admin) return adminSelection(cluster, admin);
      if (!policy) return { kind: 'none', id, message: `no policy ${id} (toggled off?)` };
      const explained = explainPolicy(cluster, policy);
      const rules = (list: RuleExplanation[]) => list.map((r) => ruleView(policy.id, policy.origin, r));
      return {
        kind: 'policy',
        id,
        selector: explained.selectorText,
        selects: explained.selects.map((p) => p.id),
        ingress: { isolates: explained.ingress.isolates, rules: rules(explained.ingress.rules) },
        egress: { isolates: explained.egress.isolates, rules: rules(explained.egress.rules) },
      };
    }
    const endpoint = this.current.endpoints.find((e) => e.id === id);
    const pod =
      endpoint && endpoint.kind !== 'external'
        ? placedPod(this.current, endpoint.pod)
        : cluster.pods.find((p) => p.id === id);
    if (!pod) return { kind: 'none', id, message: `no pod ${id}` };
    const explained = explainPodTraffic(cluster, pod);
    const side = (d: PodTrafficSide): PodSideView => ({
      isolated: d.isolated,
      selectedBy: d.selectedBy.map((p) => p.id),
      rules: d.admitting.map((r) => ruleView(r.policy.id, r.policy.origin, r)),
      leftOut: d.leftOut,
      asPeer: d.asPeer.map((r) => ({ ...ruleView(r.policy.id, r.policy.origin, r), selects: r.selects })),
    });
    const admin = cluster.adminPolicies?.length
      ? adminPoliciesOfPod(cluster, pod).map((p) => {
          const where = originLocation(p.origin, []);
          return {
            id: p.id,
            tier: p.tier,
            name: adminPolicyName(p),
            rules: `${plural(p.ingress.length, 'ingress rule')}, ${plural(p.egress.length, 'egress rule')}`,
            file: where?.file,
            line: where?.line,
          };
        })
      : undefined;
    return { kind: 'pod', id, ingress: side(explained.ingress), egress: side(explained.egress), admin };
  }

  /** The whole matrix as `netpol matrix -o FORMAT` prints it (every endpoint, the default ports). */
  exportMatrix(format: MatrixExportFormat): string {
    const { cluster, endpoints, ports } = this.current;
    const result = computeMatrix(cluster, { endpoints, ports, expand: false });
    return renderToString((write) => renderMatrix(result, format, write));
  }

  /** `serve --base PATH`: what the input (with the edits and toggles) opens and closes against the base. */
  diffBase(): DiffView | undefined {
    const diff = this.baseDiff();
    return diff && diffView(diff);
  }

  /** The base diff as `netpol diff BASE HEAD -o FORMAT` prints it. */
  exportDiff(format: DiffExportFormat): string | undefined {
    const diff = this.baseDiff();
    if (!diff || !this.input.base) return undefined;
    const baseName = this.input.baseName ?? 'BASE';
    const headName = this.input.headName ?? 'HEAD';
    return renderDiff(diff, format, baseName, headName);
  }

  /**
   * What `netpol diff` computes: both versions make up pod addresses from shared ranges, and
   * versions without pods compare every pod that could exist (core's diffVersions).
   */
  private baseDiff(): ClusterDiff | undefined {
    const current = this.current;
    if (!this.base || !this.input.base) return undefined;
    if (current.baseDiff && current.baseDiff.against === this.base) return current.baseDiff.diff;
    const shared = sharedPodRanges(this.base.loaded.cluster, current.loaded.cluster);
    const base = shared ? load(this.input.base, this.input.namespace, this.baseCache, shared) : this.base;
    const head = shared ? derive(read(this.files, this.input.namespace, this.cache, shared), this.disabled) : current;
    const diff = withUnanalyzed(diffVersions(base.cluster, head.cluster), base.read, head.read);
    current.baseDiff = { against: this.base, diff };
    return diff;
  }
}

/**
 * `diff` with what neither version analyzed but differs between them (core's
 * unanalyzedChanges: Helm templates, kustomizations, other engines' policies), as `netpol
 * diff` lists it: an edit of a Helm template or an added CiliumNetworkPolicy opens or closes
 * nothing the engine sees, and the what-if must not read "nothing changed" for it.
 */
function withUnanalyzed(diff: ClusterDiff, base: Read, head: Read): ClusterDiff {
  const unanalyzed = unanalyzedChanges(base.loaded.unanalyzed, head.loaded.unanalyzed);
  if (unanalyzed.length > 0) diff.unanalyzed = unanalyzed;
  return diff;
}

function ruleView(
  policy: string,
  origin: Parameters<typeof originLocation>[0],
  rule: Pick<RuleExplanation, 'direction' | 'index' | 'path' | 'text'> &
    Partial<Pick<RuleExplanation, 'pods' | 'external'>>,
): RuleView {
  const where = originLocation(origin, rule.path);
  return {
    policy,
    direction: rule.direction,
    index: rule.index,
    text: rule.text,
    file: where?.file,
    line: where?.line,
    ...(rule.pods ? { peers: { pods: rule.pods, matches: ruleMatchWords(rule.pods, rule.external ?? false) } } : {}),
  };
}

/** Ports in `netpol diff`'s words: `80/TCP, 443/TCP`, `every TCP port`, named ports by name. */
function changeView(c: ClusterDiff['opened'][number]): ConnectionChangeView {
  return {
    from: c.from,
    to: c.to,
    protocol: c.protocol,
    ports: [
      ...(c.spans.length > 0 ? [portSpansWords(c.protocol, c.spans)] : []),
      ...(c.names ?? []).map((n) => portQueryWords({ protocol: c.protocol, port: n })),
    ].join(', '),
    spans: c.spans.map(([a, b]) => [a, b] as [number, number]),
  };
}

function diffView(diff: ClusterDiff): DiffView {
  return {
    opened: diff.opened.map(changeView),
    closed: diff.closed.map(changeView),
    policies: { added: diff.policies.added, removed: diff.policies.removed, changed: diff.policies.changed },
    ...(diff.unanalyzed ? { unanalyzed: diff.unanalyzed } : {}),
  };
}

function issueView(issue: Issue, sources: readonly SourceFile[], source: IssueView['source']): IssueView {
  const file = sources.find((s) => s.name === issue.file);
  const at = file && issue.range ? positionOf(file, issue.range[0]) : undefined;
  return {
    file: issue.file ?? '',
    from: issue.range?.[0],
    to: issue.range?.[1],
    line: at?.line,
    col: at?.col,
    severity: issue.severity,
    code: issue.code,
    path: formatPath(issue.path),
    message: issue.message,
    source,
  };
}
