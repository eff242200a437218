import { at } from './at.js';
import { type Collected, collected, type Issue } from './issues.js';
import type { DecodedObject } from './load/decoded-object.js';
import { lastDefinitions } from './load/last-definitions.js';
import { type ListLayout, loadDocumentsLaidOut, rereadList } from './load/list-layout.js';
import { describeObject, type LoadedObject } from './load/loaded-object.js';
import { namespaceAssumed } from './load/namespace-assumed.js';
import { isStreamedSource } from './load/read-json-stream.js';
import type { SourceFile } from './load/source.js';
import { type Unanalyzed, unanalyzedFile, unanalyzedObject } from './load/unanalyzed.js';
import { AddressRangeError, AddressRangeFullError } from './model/address-allocator.js';
import { type BuildOptions, buildCluster } from './model/build-cluster.js';
import { SUPPORTED_KINDS } from './model/kinds.js';
import type { ClusterModel, DroppedPod } from './model/types.js';
import { decidesConnectivity } from './validate/connectivity-fields.js';
import { decodeAndValidate, isForeignGroup } from './validate/validate-object.js';

export interface LoadOptions extends BuildOptions {
  /**
   * Every validation error is fatal, as the API server would refuse the object (`validate`,
   * `--strict`). Otherwise an error that does not change what the object means for
   * connectivity (`decidesConnectivity`) is reported as a warning and the object is used.
   */
  strict?: boolean;
  /**
   * What earlier loads read, by source name (`createLoadCache`): a source whose text is the
   * same is not read, decoded or validated again, so an edit re-reads only the edited file
   * (the web UI's what-if). The model is built again from every object.
   */
  cache?: LoadCache;
}

/** One source as read, and each of its objects as decoded and checked (before `strict` applies). */
interface ReadSource {
  text: string;
  loaded: { readonly issues: readonly Issue[]; readonly value: readonly LoadedObject[] };
  checked: Map<LoadedObject, Checked>;
  /** A List's items, for re-reading only the changed ones after an edit. */
  layout?: ListLayout;
}

type Checked = { issues: Issue[]; decoded?: DecodedObject };

/** Sources read by earlier loads (the latest text of each name): see `LoadOptions.cache`. */
export interface LoadCache {
  readonly sources: Map<string, ReadSource>;
}

export function createLoadCache(): LoadCache {
  return { sources: new Map() };
}

export interface LoadedCluster {
  /** Every supported object that was read (valid or not; every definition of a name). */
  objects: LoadedObject[];
  /** Built from the usable objects; of two with one kind/namespace/name, the last. */
  cluster: ClusterModel;
  /** Validation errors reported as warnings because they do not change connectivity. */
  lenient: number;
  /** What was read and noted but not analyzed although it may change connectivity (`diff` compares them). */
  unanalyzed: Unanalyzed[];
}

/**
 * The one pipeline every command runs: read → parse (positions kept) → decode and validate
 * → model. Issues carry file and range; `ok` is false when any is an error. Unknown kinds are
 * skipped with an `info` issue (`unknown-kind`), never an error.
 */
export function loadCluster(sources: readonly SourceFile[], options: LoadOptions = {}): Collected<LoadedCluster> {
  const issues: Issue[] = [];
  const objects: LoadedObject[] = [];
  /** The decoded form of each of `objects` that the model can use (no fatal issue), by index. */
  const usable: (DecodedObject | undefined)[] = [];
  let lenient = 0;
  const unanalyzed: Unanalyzed[] = [];
  /** Objects of List items that only moved since the load before (an edit above them), by the objects they were. */
  const moved = new Map<LoadedObject, LoadedObject>();
  for (const source of sources) {
    const read = readSource(source, options.cache, moved);
    const loaded = read.loaded;
    issues.push(...loaded.issues);
    const skipped = loaded.value.length === 0 ? loaded.issues.find((i) => i.code === 'not-a-manifest') : undefined;
    const file = skipped && unanalyzedFile(source, skipped.message);
    if (file) unanalyzed.push(file);
    const readObjects = loaded.value;
    // Indexed: 93,000 objects at 150,000 pods, mostly before this loop is optimized.
    for (let k = 0; k < readObjects.length; k++) {
      const object = at(readObjects, k);
      // netpol's own files (examples' expect.yaml) live beside manifests: skip them quietly.
      if (object.apiVersion.startsWith('netpol.dev/')) continue;
      // A kind of the same name from another API group (Calico's projectcalico.org/v3
      // NetworkPolicy) is another resource: skipped like any unknown kind.
      if (!SUPPORTED_KINDS.includes(object.kind) || isForeignGroup(object.kind, object.apiVersion)) {
        const other = unanalyzedObject(object);
        issues.push(skippedKind(object, other !== undefined));
        if (other) unanalyzed.push(other);
        continue;
      }
      objects.push(object);
      let checked = read.checked.get(object);
      if (!checked) {
        checked = decodeAndValidate(object);
        // Kept for the next load through the cache only (a one-off load would keep 93,000 entries at 150,000 pods).
        if (options.cache) read.checked.set(object, checked);
      }
      const { issues: found, decoded } = checked;
      let fatal = false;
      for (const issue of found) {
        let severity = issue.severity;
        if (
          severity === 'error' &&
          !options.strict &&
          !decidesConnectivity(object.kind, issue.path, issue.code, object.value)
        ) {
          severity = 'warning';
          lenient++;
        }
        if (severity === 'error') fatal = true;
        issues.push({
          ...issue,
          severity,
          file: source.name,
          range: object.locate(issue.at ?? issue.path),
          object: describeObject(object),
        });
      }
      usable.push(fatal ? undefined : decoded);
    }
  }
  const latest = lastDefinitions(objects, options.defaultNamespace);
  issues.push(...latest.issues);
  const decoded: DecodedObject[] = [];
  for (const index of latest.indices) {
    const one = usable[index];
    if (one) decoded.push(one);
  }
  let cluster: ClusterModel;
  try {
    cluster = buildCluster(decoded, options.cache ? { ...options, keepModels: true, moved } : options);
  } catch (error) {
    if (!(error instanceof AddressRangeFullError || error instanceof AddressRangeError)) throw error;
    issues.push({
      code: 'address-range-full',
      severity: 'error',
      path: [],
      message:
        error instanceof AddressRangeFullError
          ? `more pods or Services than addresses in ${error.range}; give a larger range (--pod-cidr, --service-cidr)`
          : error.message,
    });
    cluster = buildCluster([], { defaultNamespace: options.defaultNamespace });
  }
  if (cluster.dropped && cluster.dropped.length > 0) issues.push(droppedNote(cluster.dropped));
  const assumedNs = options.defaultNamespace ?? 'default';
  const assumed = namespaceAssumed(decoded, cluster, assumedNs, assumedNs !== 'default');
  if (assumed) issues.push(assumed);
  return collected({ objects, cluster, lenient, unanalyzed }, issues);
}

/** A source's objects: from the cache when its text did not change, else read (and kept there). */
function readSource(
  source: SourceFile,
  cache: LoadCache | undefined,
  moved: Map<LoadedObject, LoadedObject>,
): Omit<ReadSource, 'text'> {
  // A source too large for one string was read as a stream: its objects are read already.
  if (isStreamedSource(source)) {
    return { loaded: { issues: source.streamed.issues, value: source.streamed.objects }, checked: new Map() };
  }
  const kept = cache?.sources.get(source.name);
  if (kept && kept.text === source.text) return kept;
  const read = (kept && reread(kept, source, moved)) ?? {
    text: source.text,
    ...loadDocumentsLaidOut(source),
    checked: new Map(),
  };
  cache?.sources.set(source.name, read);
  return read;
}

/**
 * A List edited since `kept`: only its changed items are read (`rereadList`); the objects of
 * the others keep what was checked of them (an object moved by the edit: its check, with the
 * moved object in the decoded form, as decoding depends on the value, kind and apiVersion only).
 */
function reread(kept: ReadSource, source: SourceFile, moved: Map<LoadedObject, LoadedObject>): ReadSource | undefined {
  const again = kept.layout && rereadList(kept.layout, source);
  if (!again) return undefined;
  for (const [object, was] of again.carried) moved.set(object, was);
  const checked = new Map<LoadedObject, Checked>();
  for (const object of again.loaded.value) {
    const was = again.carried.get(object);
    const known = kept.checked.get(was ?? object);
    if (!known) continue;
    checked.set(
      object,
      was && known.decoded ? { issues: known.issues, decoded: { ...known.decoded, object } as DecodedObject } : known,
    );
  }
  return { text: source.text, loaded: again.loaded, checked, ...(again.layout ? { layout: again.layout } : {}) };
}

/**
 * The note for an object of a kind netpol does not read; for another engine's policy (Cilium,
 * Calico...) it says that policy allows or denies traffic where netpol's verdicts cannot see it.
 */
function skippedKind(object: LoadedObject, policy: boolean): Issue {
  const what = `${object.apiVersion ? `${object.apiVersion} ` : ''}${object.kind}`;
  return {
    code: 'unknown-kind',
    // A note either way: SPEC says other kinds are skipped with a note (tests outside rely on it).
    severity: 'info',
    path: [],
    message: policy
      ? `skipped ${what}: another engine's policy, which netpol does not evaluate: where it applies, the cluster allows or denies traffic otherwise than netpol says`
      : `skipped ${what}: netpol reads ${SUPPORTED_KINDS.join(', ')}`,
    file: object.source.name,
    range: object.locate([]),
    object: describeObject(object),
  };
}

const DROP_WORDING: Record<DroppedPod['reason'], string> = {
  finished: 'finished (status.phase Succeeded or Failed)',
  deleting: 'being deleted (metadata.deletionTimestamp)',
  unscheduled: 'not scheduled (Pending, no node)',
};

/** One note for every pod left out, by reason, naming a few of each. */
function droppedNote(dropped: readonly DroppedPod[]): Issue {
  const parts = (Object.keys(DROP_WORDING) as DroppedPod['reason'][]).flatMap((reason) => {
    const ids = dropped.filter((d) => d.reason === reason).map((d) => d.id);
    if (ids.length === 0) return [];
    const shown = ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');
    return [`${ids.length} ${DROP_WORDING[reason]}: ${shown}`];
  });
  const count = dropped.length;
  return {
    code: 'pods-dropped',
    severity: 'info',
    path: [],
    message: `left out ${count} pod${count === 1 ? '' : 's'} that take${count === 1 ? 's' : ''} no traffic: ${parts.join('; ')}`,
  };
}
