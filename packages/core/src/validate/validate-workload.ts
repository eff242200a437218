import type { LabelSelector } from '../decode/schema.js';
import type { FieldPath, Issue } from '../issues.js';
import { buildSelector } from '../model/build-policy.js';
import { MAX_WORKLOAD_REPLICAS } from '../model/kinds.js';
import { labelsOf, type Obj, obj, str } from '../model/read-fields.js';
import { isEmptySelector, selectorMatches } from '../model/selector.js';
import { goLiteral, invalid, maxLenError, notSupported, type PathStack, quote, required, warning } from './messages.js';
import { labelSelectorInto, validateLabelSelector } from './validate-label-selector.js';
import { annotationsInto, labelsInto, metadataInto, NAMESPACED_SUBDOMAIN, validateLabels } from './validate-meta.js';
import { podSpecInto, restartPolicyOf } from './validate-pod-spec.js';

/**
 * The workload rules of pkg/apis/apps/validation and pkg/apis/batch/validation that decide
 * whether a workload (and so its pods) exists: replicas ≥ 0, a selector that is present,
 * non-empty and matches the template labels, a valid pod template, and the restartPolicy
 * each controller allows.
 */
export function validateWorkload(kind: string, workload: Obj): Issue[] {
  const meta = obj(workload.metadata);
  const spec = obj(workload.spec);
  const issues: Issue[] = [];
  const path: PathStack = [];
  metadataInto(meta, NAMESPACED_SUBDOMAIN, path, issues);
  switch (kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet': {
      if (kind !== 'DaemonSet') issues.push(...nonNegative(spec.replicas, ['spec', 'replicas']));
      const what = kind === 'ReplicaSet' ? 'deployment' : kind.toLowerCase();
      path.push('spec');
      selectedTemplateInto(spec, path, what, issues);
      path.pop();
      break;
    }
    case 'ReplicationController':
      issues.push(...nonNegative(spec.replicas, ['spec', 'replicas']));
      issues.push(...validateControllerTemplate(spec));
      break;
    case 'Job':
      issues.push(...validateJobSpec(spec, ['spec']));
      break;
    case 'CronJob': {
      const name = str(meta.name) ?? '';
      // ValidateCronJob: the Job name gets an 11-character suffix.
      if (name.length > 52) issues.push(invalid(['metadata', 'name'], name, maxLenError(52)));
      if ((str(spec.schedule) ?? '') === '') issues.push(required(['spec', 'schedule']));
      const jobTemplate = obj(spec.jobTemplate);
      templateMetaInto(obj(jobTemplate.metadata), ['spec', 'jobTemplate', 'metadata'], issues);
      issues.push(...validateJobSpec(obj(jobTemplate.spec), ['spec', 'jobTemplate', 'spec']));
      break;
    }
  }
  return issues;
}

function nonNegative(value: unknown, path: FieldPath): Issue[] {
  if (typeof value !== 'number') return [];
  if (value < 0) return [invalid(path, value, 'must be greater than or equal to 0')];
  if (value > MAX_WORKLOAD_REPLICAS && (path.at(-1) === 'replicas' || path.at(-1) === 'parallelism')) {
    return [
      warning(
        path,
        `netpol models at most ${MAX_WORKLOAD_REPLICAS} pods of one workload; using ${MAX_WORKLOAD_REPLICAS}`,
      ),
    ];
  }
  return [];
}

/** ValidateTemplateObjectMeta: labels and annotations of a template, into `out`. */
function templateMetaInto(meta: Obj, path: PathStack, out: Issue[]): void {
  path.push('labels');
  labelsInto(meta.labels, path, out);
  path.pop();
  path.push('annotations');
  annotationsInto(meta.annotations, path, out);
  path.pop();
}

function mapLiteral(labels: Record<string, string>): string {
  const entries = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${quote(k)}:${quote(v)}`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** Deployment, ReplicaSet, StatefulSet, DaemonSet: selector + template (ValidatePodTemplateSpecForReplicaSet). */
function selectedTemplateInto(spec: Obj, path: PathStack, what: string, out: Issue[]): void {
  const selector = spec.selector;
  const template = obj(spec.template);
  const labels = labelsOf(obj(template.metadata).labels);
  if (selector === undefined || selector === null) {
    out.push(required([...path, 'selector']));
  } else {
    const before = out.length;
    path.push('selector');
    labelSelectorInto(selector, path, out);
    path.pop();
    // The value was decoded against the schema before validation: it has LabelSelector's shape.
    const model = buildSelector(selector as LabelSelector);
    if (isEmptySelector(model)) {
      out.push(invalid([...path, 'selector'], goLiteral('{}'), `empty selector is invalid for ${what}`));
    } else if (out.length === before && !selectorMatches(model, labels)) {
      out.push(
        invalid(
          [...path, 'template', 'metadata', 'labels'],
          goLiteral(mapLiteral(labels)),
          '`selector` does not match template `labels`',
        ),
      );
    }
  }
  path.push('template');
  podTemplateInto(template, path, out);
  path.pop();
  const restartPolicy = restartPolicyOf(obj(template.spec));
  if (restartPolicy !== 'Always') {
    out.push(notSupported([...path, 'template', 'spec', 'restartPolicy'], restartPolicy, ['Always']));
  }
}

function podTemplateInto(template: Obj, path: PathStack, out: Issue[]): void {
  path.push('metadata');
  templateMetaInto(obj(template.metadata), path, out);
  path.pop();
  path.push('spec');
  podSpecInto(obj(template.spec), path, { isPod: false }, out);
  path.pop();
}

/** ReplicationController: `selector` is a map, defaulted from the template labels. */
function validateControllerTemplate(spec: Obj): Issue[] {
  const issues: Issue[] = [];
  if (spec.template === undefined || spec.template === null) {
    issues.push(required(['spec', 'template']));
    return issues;
  }
  const template = obj(spec.template);
  const labels = labelsOf(obj(template.metadata).labels);
  const declared = labelsOf(spec.selector);
  const selector = Object.keys(declared).length > 0 ? declared : labels;
  if (Object.keys(selector).length === 0) issues.push(required(['spec', 'selector']));
  issues.push(...validateLabels(spec.selector, ['spec', 'selector']));
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v) && Object.keys(selector).length > 0) {
    issues.push(
      invalid(
        ['spec', 'template', 'metadata', 'labels'],
        goLiteral(mapLiteral(labels)),
        '`selector` does not match template `labels`',
      ),
    );
  }
  podTemplateInto(template, ['spec', 'template'], issues);
  const restartPolicy = restartPolicyOf(obj(template.spec));
  if (restartPolicy !== 'Always') {
    issues.push(notSupported(['spec', 'template', 'spec', 'restartPolicy'], restartPolicy, ['Always']));
  }
  return issues;
}

/** ValidateJobSpec basics: counts ≥ 0, optional selector, template with OnFailure/Never. */
function validateJobSpec(spec: Obj, path: FieldPath): Issue[] {
  const issues = [
    ...nonNegative(spec.parallelism, [...path, 'parallelism']),
    ...nonNegative(spec.completions, [...path, 'completions']),
    ...nonNegative(spec.backoffLimit, [...path, 'backoffLimit']),
  ];
  if (spec.selector !== undefined && spec.selector !== null) {
    issues.push(...validateLabelSelector(spec.selector, [...path, 'selector']));
  }
  const template = obj(spec.template);
  podTemplateInto(template, [...path, 'template'], issues);
  const restartPolicy = restartPolicyOf(obj(template.spec));
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    issues.push(notSupported([...path, 'template', 'spec', 'restartPolicy'], restartPolicy, ['OnFailure', 'Never']));
  }
  return issues;
}
