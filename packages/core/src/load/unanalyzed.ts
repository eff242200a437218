import { type LoadedObject, objectMeta } from './loaded-object.js';
import { skippedFileKind } from './not-a-manifest.js';
import type { SourceFile } from './source.js';

/**
 * Something netpol read but did not analyze although it may change connectivity: a file
 * skipped whole (an unrendered Helm template, a chart file, a kustomization) or an object of
 * another engine's policy kind (Cilium, Calico, Antrea, Istio...). Analysis of one version
 * says so in a note; `diff` must also say when such a thing differs between its versions,
 * or a pull request that adds an allow-all in a Helm template would read "no changes".
 */
export interface Unanalyzed {
  /** The file, as named in the input. */
  file: string;
  /** What it is, in words: "Helm template", "kustomization", "CiliumNetworkPolicy prod/web". */
  what: string;
  /** Pairs the two versions of one object (undefined for a file: files pair by content). */
  identity?: string;
  /** The content compared between versions: the file's text, or the object's value in key order. */
  content: string;
}

/**
 * API groups whose kinds change who may connect (other CNIs' and meshes' policies); netpol
 * does not evaluate them. Other unknown kinds (ConfigMaps, Ingresses, CRDs) do not change
 * pod-to-pod connectivity, and listing their changes would make every diff noisy.
 */
const POLICY_GROUPS = new Set([
  'cilium.io',
  'projectcalico.org',
  'crd.projectcalico.org',
  'crd.antrea.io',
  'security.istio.io',
  'policy.linkerd.io',
  'networking.gke.io',
  'k8s.ovn.org',
  'k8s.cni.cncf.io',
  'network.openshift.io',
  'policy.networking.k8s.io',
]);

/** The unanalyzed entry of a skipped object, when its kind may change connectivity. */
export function unanalyzedObject(object: LoadedObject): Unanalyzed | undefined {
  const slash = object.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : object.apiVersion.slice(0, slash);
  if (!POLICY_GROUPS.has(group)) return undefined;
  const meta = objectMeta(object);
  const id = `${meta.namespace ? `${meta.namespace}/` : ''}${meta.name || '(no name)'}`;
  return {
    file: object.source.name,
    what: `${object.kind} ${id}`,
    identity: `${group}\n${object.kind}\n${id}`,
    content: stableJson(object.value),
  };
}

/**
 * The unanalyzed entry of a file skipped whole, from its note: Helm's and kustomize's files
 * make manifests once rendered. Other files without objects (CI configs) make none, so they
 * are not listed.
 */
export function unanalyzedFile(source: SourceFile, note: string): Unanalyzed | undefined {
  const what = skippedFileKind(note);
  return what ? { file: source.name, what, content: source.text } : undefined;
}

/** JSON with keys sorted: the same object written in another key order or format is unchanged. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
