import type { AppInput, InputFile } from '../protocol.js';

/**
 * What serve's reload did to the unsaved edits, when the user must know: an edited file
 * changed on disk into another text than the edited one (the edited text is kept: Save would
 * overwrite the disk's version; a Save of our own is no such change) or left the input (its
 * edits are gone). Undefined when nothing of the kind happened.
 */
export function reloadWords(
  before: AppInput,
  after: AppInput,
  edited: readonly InputFile[],
  names: readonly string[],
): string | undefined {
  const textOf = (input: AppInput, name: string) => input.files.find((f) => f.name === name)?.text;
  const gone = edited.filter((f) => !names.includes(f.name)).map((f) => f.name);
  const changed = edited
    .filter((f) => {
      const now = textOf(after, f.name);
      return names.includes(f.name) && now !== textOf(before, f.name) && now !== f.text;
    })
    .map((f) => f.name);
  const parts = [
    changed.length > 0 &&
      `Changed on disk while you had unsaved edits: ${changed.join(', ')}. Your edited text is kept (Save overwrites the file on disk; Revert all shows the file as it is on disk now).`,
    gone.length > 0 && `No longer in the input: ${gone.join(', ')}; its unsaved edits are dropped.`,
  ].filter((p): p is string => typeof p === 'string');
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** A share link's edits made on another text of their file (changed since): left out, said. */
export function staleLinkWords(stale: readonly string[]): string | undefined {
  if (stale.length === 0) return undefined;
  return `This link's unsaved edits of ${stale.join(', ')} were made on another version of the file: left out, the file is shown as it is now.`;
}
