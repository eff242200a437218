import type { DecodedObject } from '../load/decoded-object.js';
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

/**
 * Decoded objects of one List item read once and only moved since (the same value, kind and
 * apiVersion at another place: `loadCluster` through a cache notes each move), by a token of
 * their own: a build can then keep what it made of one, placed again where another is. A
 * token, not the decoded object moved from: that one's object keeps its whole text (an
 * edit's), one more per edit if each kept the one before.
 */
const lineages = new WeakMap<DecodedObject, object>();

export function noteMoved(decoded: DecodedObject, from: DecodedObject): void {
  let lineage = lineages.get(from);
  if (!lineage) {
    lineage = {};
    lineages.set(from, lineage);
  }
  lineages.set(decoded, lineage);
}

/** Whether `a` and `b` are one item's decoded object at two places (`noteMoved`). */
export function movedCopies(a: DecodedObject, b: DecodedObject): boolean {
  const lineage = lineages.get(a);
  return lineage !== undefined && lineage === lineages.get(b);
}
