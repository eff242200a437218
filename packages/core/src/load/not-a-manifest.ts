import type { Issue } from '../issues.js';
import type { SourceFile } from './source.js';

/**
 * Files that sit beside manifests in real repositories but hold no Kubernetes object: Helm's
 * `values.yaml` and `Chart.yaml`, kustomize's `kustomization.yaml`, CI configs. `kubectl
 * apply -f DIR` stops at them; netpol skips each with one note (never silently: a note names
 * the file) so the manifests around them are still analyzed. Only a file whose every
 * document is a mapping without `kind` and `metadata` is skipped: a manifest with a typo in
 * `kind`, or a document that is a list or a scalar, is still reported as an error.
 */
export function notAManifest(source: SourceFile, documents: readonly unknown[]): Issue | undefined {
  const kustomize = isKustomization(source.name, documents);
  if (!kustomize && (documents.every(isEmpty) || !documents.every(isConfigMapping))) return undefined;
  const message = kustomize
    ? 'skipped a kustomization: netpol reads plain manifests; pipe the rendered output in: kubectl kustomize DIR | netpol COMMAND -f -'
    : isHelmChartFile(source.name)
      ? 'skipped a Helm chart file (no Kubernetes object in it); to analyze the chart, pipe it in: helm template CHART | netpol COMMAND -f -'
      : 'skipped: no Kubernetes object in this file (no document has kind or metadata)';
  return { code: 'not-a-manifest', severity: 'info', path: [], message, file: source.name };
}

const baseName = (name: string) => name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);

function isKustomization(name: string, documents: readonly unknown[]): boolean {
  if (/^(kustomization\.ya?ml|Kustomization)$/.test(baseName(name))) return true;
  return documents.some(
    (doc) =>
      isMapping(doc) && typeof doc.apiVersion === 'string' && doc.apiVersion.startsWith('kustomize.config.k8s.io/'),
  );
}

function isHelmChartFile(name: string): boolean {
  return /^(Chart\.ya?ml|values(\.[\w.-]+)?\.ya?ml|values\.schema\.json|requirements\.ya?ml)$/.test(baseName(name));
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined;
}

/** A mapping that is no object (or an empty document): a list or a scalar stays an error. */
function isConfigMapping(value: unknown): boolean {
  return isEmpty(value) || (isMapping(value) && !('kind' in value) && !('metadata' in value));
}
