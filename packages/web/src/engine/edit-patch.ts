import type { EditPatch } from '../protocol.js';

/** The one span where `text` differs from `original`: common prefix and suffix kept. */
export function patchOf(file: string, original: string, text: string): EditPatch {
  const max = Math.min(original.length, text.length);
  let from = 0;
  while (from < max && original.charCodeAt(from) === text.charCodeAt(from)) from++;
  let tail = 0;
  while (
    tail < max - from &&
    original.charCodeAt(original.length - 1 - tail) === text.charCodeAt(text.length - 1 - tail)
  )
    tail++;
  return { file, from, to: original.length - tail, insert: text.slice(from, text.length - tail) };
}

/** `patchOf` undone: the edited text from the input's. */
export function applyPatch(original: string, patch: EditPatch): string {
  return original.slice(0, patch.from) + patch.insert + original.slice(patch.to);
}
