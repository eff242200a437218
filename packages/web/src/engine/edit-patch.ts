import { commonPrefix, commonSuffix } from '@netpol/core';
import { type EditPatch, OUT_OF_STEP, type TextChange } from '../protocol.js';

/** The one span where `text` differs from `original`: common prefix and suffix kept. */
export function patchOf(file: string, original: string, text: string): EditPatch {
  const from = commonPrefix(original, text);
  const tail = commonSuffix(original, text, from);
  return { file, from, to: original.length - tail, insert: text.slice(from, text.length - tail) };
}

/**
 * `patchOf(file, before, text)` when `text` is `before` with only `[from, to)` of it replaced
 * (the span of the editor's changes): the same patch, found from that span outwards instead of
 * by comparing the whole texts (3 MB on the one-file 10k-pod cluster).
 */
export function patchAround(file: string, before: string, text: string, from: number, to: number): EditPatch {
  const start = from + commonPrefix(before.slice(from), text.slice(from));
  // patchOf's suffix never reaches into its prefix: at most `most` characters.
  const most = Math.min(before.length, text.length) - start;
  const tail = before.length - to; // alike at the end by the changes' span
  const end =
    tail >= most
      ? most
      : tail + commonSuffix(before.slice(0, before.length - tail), text.slice(0, text.length - tail), start);
  return { file, from: start, to: before.length - end, insert: text.slice(start, text.length - end) };
}

/**
 * `text` (`length` long) with `changes` made (sorted, apart or touching, in its coordinates,
 * as CodeMirror's ChangeSet lists them). Throws `OUT_OF_STEP` when they do not fit it: the
 * page then sends the whole text.
 */
export function applyChanges(text: string, changes: readonly TextChange[], length: number): string {
  if (text.length !== length) throw new Error(`${OUT_OF_STEP} the text is ${text.length} characters, not ${length}`);
  const parts: string[] = [];
  let at = 0;
  for (const { from, to, insert } of changes) {
    if (
      !(Number.isInteger(from) && Number.isInteger(to) && at <= from && from <= to && to <= length) ||
      typeof insert !== 'string'
    ) {
      throw new Error(`${OUT_OF_STEP} a change of ${from}-${to} does not fit the text`);
    }
    parts.push(text.slice(at, from), insert);
    at = to;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** `patchOf` undone: the edited text from the input's. */
export function applyPatch(original: string, patch: EditPatch): string {
  return original.slice(0, patch.from) + patch.insert + original.slice(patch.to);
}

/** Several patches of one text (sorted, apart: as `composePatches` keeps them) applied to it. */
export function applyPatches(original: string, patches: readonly EditPatch[]): string {
  let text = original;
  for (let k = patches.length - 1; k >= 0; k--) text = applyPatch(text, patches[k] as EditPatch);
  return text;
}

/**
 * The patches of `original` that give `text`, from those that gave the text before it
 * (`patches`) and the change from that text to `text` (`change`, in its coordinates, as
 * `patchOf` gives it). Each span typed in stays a patch of its own: a comment on the first line
 * and a port in the middle of a 3 MB file are two patches of a few bytes, where one span
 * from the first to the last change was half the file, made, posted, deflated and put in the
 * URL on every keystroke. Patches the change touches (or meets) become one; one that gives the
 * input's text back is dropped. Sorted, apart (never touching), in `original`'s coordinates.
 */
export function composePatches(
  patches: readonly EditPatch[],
  change: EditPatch,
  original: string,
  text: string,
): EditPatch[] {
  const { from: a, to: b } = change;
  // A patch lies in the text before the change at its `from` plus `shift`: what the patches
  // before it inserted less what they replaced.
  let shift = 0;
  let k = 0;
  for (; k < patches.length; k++) {
    const patch = patches[k] as EditPatch;
    if (patch.from + shift + patch.insert.length >= a) break;
    shift += grown(patch);
  }
  const before = k;
  const shiftBefore = shift;
  let start = a;
  let end = b;
  for (; k < patches.length; k++) {
    const patch = patches[k] as EditPatch;
    const at = patch.from + shift;
    if (at > b) break;
    if (k === before) start = at;
    end = at + patch.insert.length;
    shift += grown(patch);
  }
  const touched = patches.slice(before, k);
  // The merged span in the text before the change, and where it lies in the original.
  const from = Math.min(a, start);
  const to = Math.max(b, end);
  const merged: EditPatch = {
    file: change.file,
    from: from < a ? (touched[0] as EditPatch).from : a - shiftBefore,
    to: to > b ? (touched.at(-1) as EditPatch).to : b - shift,
    insert: detached(text, from, to + grown(change)),
  };
  const kept = trimmed(original, merged);
  return [...patches.slice(0, before), ...(kept ? [kept] : []), ...patches.slice(k)];
}

/** What a patch adds to its text's length. */
function grown(patch: EditPatch): number {
  return patch.insert.length - (patch.to - patch.from);
}

/**
 * `patch` without what it puts back as `original` has it at its ends (a patch merged with the
 * text between two edits, a character typed over by itself), or undefined when that is all
 * of it (an edit undone).
 */
function trimmed(original: string, patch: EditPatch): EditPatch | undefined {
  const { insert } = patch;
  let { from, to } = patch;
  let start = 0;
  let end = insert.length;
  while (start < end && from < to && insert.charCodeAt(start) === original.charCodeAt(from)) {
    start++;
    from++;
  }
  while (end > start && to > from && insert.charCodeAt(end - 1) === original.charCodeAt(to - 1)) {
    end--;
    to--;
  }
  if (start === end && from === to) return undefined;
  return {
    file: patch.file,
    from,
    to,
    insert: start === 0 && end === insert.length ? insert : detached(insert, start, end),
  };
}

/**
 * `text` from `from` to `to`, as a string of its own: a slice of a long string keeps the whole
 * string (V8's sliced strings), and a patch outlives the text it was cut from (the next edit).
 */
function detached(text: string, from: number, to: number): string {
  return ` ${text.slice(from, to)}`.slice(1);
}
