import type { Unanalyzed } from '../load/unanalyzed.js';

/** A thing netpol did not analyze that differs between the versions of a diff. */
export interface UnanalyzedChange {
  /** `added`: only in HEAD; `removed`: only in BASE; `changed`: in both, different. */
  change: 'added' | 'removed' | 'changed';
  /** The file in HEAD (in BASE when removed). */
  file: string;
  what: string;
}

/**
 * What differs between two versions among the things neither analyzed. Objects pair by kind,
 * namespace and name; files by content (a file moved or renamed unchanged is no change); a
 * file whose content is in one version only reads as changed when the other version lost a
 * file of the same name, else as added or removed.
 */
export function unanalyzedChanges(base: readonly Unanalyzed[], head: readonly Unanalyzed[]): UnanalyzedChange[] {
  const changes: UnanalyzedChange[] = [];
  const objects = (list: readonly Unanalyzed[]) => new Map(list.flatMap((u) => (u.identity ? [[u.identity, u]] : [])));
  const [baseObjects, headObjects] = [objects(base), objects(head)];
  for (const [id, h] of headObjects) {
    const b = baseObjects.get(id);
    if (!b) changes.push({ change: 'added', file: h.file, what: h.what });
    else if (b.content !== h.content) changes.push({ change: 'changed', file: h.file, what: h.what });
  }
  for (const [id, b] of baseObjects) {
    if (!headObjects.has(id)) changes.push({ change: 'removed', file: b.file, what: b.what });
  }
  const files = (list: readonly Unanalyzed[]) => list.filter((u) => !u.identity);
  const [baseFiles, headFiles] = [files(base), files(head)];
  const texts = (list: readonly Unanalyzed[]) => new Set(list.map((u) => u.content));
  const [baseTexts, headTexts] = [texts(baseFiles), texts(headFiles)];
  const gone = baseFiles.filter((b) => !headTexts.has(b.content));
  for (const h of headFiles) {
    if (baseTexts.has(h.content)) continue;
    const was = bestMatch(gone, h.file);
    if (was >= 0) gone.splice(was, 1);
    changes.push({ change: was >= 0 ? 'changed' : 'added', file: h.file, what: h.what });
  }
  for (const b of gone) changes.push({ change: 'removed', file: b.file, what: b.what });
  return changes.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.what < y.what ? -1 : 1));
}

/**
 * Which file of `gone` is `file` in the other input: the one whose name agrees with it over
 * the most trailing segments (`base/chart/x.yaml`, `head/chart/x.yaml`,
 * `git:main:chart/x.yaml` all agree on `chart/x.yaml`); -1 when no name ends alike.
 */
function bestMatch(gone: readonly Unanalyzed[], file: string): number {
  const segments = (name: string) => name.replace(/^git:[^:]*:/, '').split(/[\\/]/);
  const target = segments(file);
  let best = -1;
  let bestLength = 0;
  gone.forEach((candidate, index) => {
    const other = segments(candidate.file);
    let same = 0;
    while (
      same < other.length &&
      same < target.length &&
      other[other.length - 1 - same] === target[target.length - 1 - same]
    )
      same++;
    if (same > bestLength) [best, bestLength] = [index, same];
  });
  return best;
}
