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
    ? `${NOTES.kustomization}${kustomizeNamespace(documents)}`
    : isHelmChartFile(source.name)
      ? NOTES['Helm chart file']
      : 'skipped: no Kubernetes object in this file (no document has kind or metadata)';
  return { code: 'not-a-manifest', severity: 'info', path: [], message, file: source.name };
}

/**
 * The notes of the skipped files that make manifests once rendered, by what they are
 * (`skippedFileKind` reads it back: diff names a changed one as not analyzed).
 */
const NOTES = {
  'Helm template':
    'skipped a Helm template that is not YAML until rendered ({{ … }} actions), so its objects are not analyzed; pipe the rendered chart in: helm template CHART | netpol COMMAND -f -',
  'Helm chart file':
    'skipped a Helm chart file (no Kubernetes object in it); to analyze the chart, pipe it in: helm template CHART | netpol COMMAND -f -',
  kustomization:
    'skipped a kustomization: netpol reads plain manifests; pipe the rendered output in: kubectl kustomize DIR | netpol COMMAND -f -',
} as const;

type RenderedFileKind = keyof typeof NOTES;

/** What a `not-a-manifest` note skipped, when it is a file that makes manifests once rendered (Helm, kustomize). */
export function skippedFileKind(note: string): RenderedFileKind | undefined {
  return (Object.keys(NOTES) as RenderedFileKind[]).find((kind) => note.startsWith(NOTES[kind]));
}

const baseName = (name: string) => name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);

/**
 * A Helm (or other Go) template that is not YAML until rendered: `{{- if .Values.x }}` lines,
 * `{{ include ... }}` values. `kubectl apply -f` stops at its syntax errors; reporting dozens
 * of them per template would bury the rest, and the fix is to render the chart, not to edit
 * the file. A file under a chart's `templates/` with an action is a template whether or not
 * it happens to parse (`name: {{ .Release.Name }}` parses as a map); elsewhere only a file
 * that does not parse and has a control-action line (`{{- if`, `{{ end }}`, `{{ include`…).
 * A manifest broken by one action inside a value stays a syntax error to fix: skipping the
 * whole file would analyze the rest without its objects.
 */
export function unrenderedTemplate(source: SourceFile, issues: readonly Issue[]): Issue | undefined {
  const template =
    (IN_TEMPLATES_FOLDER.test(source.name) && ACTION.test(source.text)) ||
    (issues.some((issue) => issue.code === 'syntax') && CONTROL_LINE.test(source.text));
  if (!template) return undefined;
  return {
    code: 'not-a-manifest',
    severity: 'info',
    path: [],
    message: NOTES['Helm template'],
    file: source.name,
  };
}

const CONTROL_LINE =
  /^[ \t]*(?:- )?\{\{-?\s*(?:(?:if|else|end|range|with|define|template|block|include|toYaml|tpl|nindent|indent)\b|\/\*)[^\n]*\}\}/m;
const ACTION = /\{\{[^\n]*?\}\}/;
const IN_TEMPLATES_FOLDER = /(?:^|[\\/])templates[\\/]/;

/**
 * A kustomization's `namespace:` moves every object it renders into that namespace; read
 * unrendered, those objects stay where they say (or in default), so the note says which.
 */
function kustomizeNamespace(documents: readonly unknown[]): string {
  const namespace = documents
    .map((doc) => (isMapping(doc) ? doc.namespace : undefined))
    .find((n) => typeof n === 'string');
  return namespace ? ` (its namespace: ${namespace} is not applied to the files read beside it)` : '';
}

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
