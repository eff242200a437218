import type { Origin } from './model-primitives.js';

/**
 * Models built again only because their object moved in its file (an edit above it: the web
 * UI's what-if re-reads only the changed items of a List, `list-layout`): the same model but
 * for its origin, which must name the new place. What is kept per model (compiled policies,
 * canonical texts) is kept per first build, so a move costs a copy, not a compile.
 */
const firstBuilds = new WeakMap<object, object>();

/** `known` with another origin; everything else (rules, selectors, labels) is the same objects. */
export function movedModel<T extends { origin?: Origin }>(known: T, origin: Origin): T {
  const moved = { ...known, origin };
  firstBuilds.set(moved, firstBuild(known));
  return moved;
}

/** The model `model` was copied from by `movedModel` (itself when it was built, not moved). */
export function firstBuild<T extends object>(model: T): T {
  return (firstBuilds.get(model) as T | undefined) ?? model;
}
