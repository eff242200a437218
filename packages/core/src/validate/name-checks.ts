import { isQualifiedName, isValidLabelValue, isValidPortName, nameIsDNSLabel, nameIsDNSSubdomain } from './formats.js';
import { invalid } from './messages.js';

/**
 * A name, label key or label value typed on the command line (a class of pods, `-l`, `-n`,
 * `--port`, `lab label`, `lab run`): checked by the rule the API server applies to the same field of an
 * object, so that a value no real object can hold is refused instead of matching nothing.
 */
const RULES = {
  /** ValidateNamespaceName. */
  'namespace name': (v: string) => nameIsDNSLabel(v, false),
  /** ValidatePodName (NameIsDNSSubdomain). */
  'pod name': (v: string) => nameIsDNSSubdomain(v, false),
  /** ValidateObjectMeta's name of most kinds (NameIsDNSSubdomain). */
  'object name': (v: string) => nameIsDNSSubdomain(v, false),
  /** ValidateLabels' keys, labels.Parse's keys. */
  'label key': isQualifiedName,
  /** ValidateLabels' values, labels.Parse's values. */
  'label value': isValidLabelValue,
  /** A container port's name (IsValidPortName: IANA_SVC_NAME). */
  'port name': isValidPortName,
} satisfies Record<string, (value: string) => readonly string[]>;

export type NameKind = keyof typeof RULES;

/** Why `value` cannot be a `kind`. */
export interface NameProblem {
  kind: NameKind;
  value: string;
  /** `label value: Invalid value: "[x]": a valid label must be ...`, the API server's words. */
  message: string;
}

/** The problem of `value` as a `kind`, or undefined when an object could hold it there. */
export function checkName(kind: NameKind, value: string): NameProblem | undefined {
  const details = RULES[kind](value);
  if (details.length === 0) return undefined;
  return { kind, value, message: `${kind}: ${invalid([], value, details.join('; ')).message}` };
}
