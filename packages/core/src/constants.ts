/**
 * Constants every layer shares; a leaf module (it imports nothing), so model, engine, lint
 * and explain can all name them without importing each other.
 */

/** The label the API server sets on every Namespace: its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
