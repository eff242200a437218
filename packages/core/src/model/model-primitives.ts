import type { FieldPath } from '../issues.js';
import type { LoadedObject } from '../load/loaded-object.js';

/**
 * The model's primitives (protocols, labels, selectors, directions, origins), apart from
 * types.ts so that the model's modules can share them without importing each other.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export type Labels = Readonly<Record<string, string>>;

/** Where a model element came from: the loaded object and the field path inside it. */
export interface Origin {
  object: LoadedObject;
  path: FieldPath;
}

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorModel {
  matchLabels: Labels;
  matchExpressions: readonly { key: string; operator: SelectorOperator; values: readonly string[] }[];
}

export type Direction = 'ingress' | 'egress';
