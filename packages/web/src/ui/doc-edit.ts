import type { ChangeSet, Text } from '@codemirror/state';
import type { TextChange } from '../protocol.js';
import { type LatestOnly, latestOnly } from './latest-only.js';

/**
 * One edit of a file in the editor, as CodeMirror made it: its changes (a ChangeSet) from one
 * document to the next. The worker is sent the changes when it holds `before` (a few bytes
 * for a keystroke), else the whole text of `after` (engine-client.ts decides).
 */
export interface DocEdit {
  file: string;
  /** The document the changes apply to; undefined when they are not known (the whole text goes). */
  before: Text | undefined;
  changes: ChangeSet;
  after: Text;
  /** When the newest of its changes was made (`performance.now()`): the update is timed from then. */
  changed: number;
}

/**
 * The edit waiting to be sent and one made after it, as one edit: its changes composed after
 * the waiting ones (a keystroke made while an edit is computed is never dropped, as it would be
 * if only the newest edit's changes went). Edits that do not follow each other (another
 * editor's document of the file) go as the newest document's whole text.
 */
export function mergeEdits(waiting: DocEdit, next: DocEdit): DocEdit {
  if (waiting.before === undefined || waiting.after !== next.before) return { ...next, before: undefined };
  return { ...next, before: waiting.before, changes: waiting.changes.compose(next.changes) };
}

/** The changes as the worker applies them: in `before`'s coordinates, sorted, apart. */
export function changeList(changes: ChangeSet): TextChange[] {
  const list: TextChange[] = [];
  changes.iterChanges((from, to, _fromB, _toB, inserted) => {
    list.push({ from, to, insert: inserted.toString() });
  });
  return list;
}

/**
 * What the editor calls with each edit: sent at once, and while one file's edit is computed,
 * that file's later edits wait merged into one (`mergeEdits`) and go when it is answered. A
 * queue per file: an edit of one file waiting never takes the place of another file's.
 */
export function editSender(send: (edit: DocEdit) => Promise<unknown>): EditSender {
  const queues = new Map<string, LatestOnly<DocEdit>>();
  const sender = (edit: DocEdit) => {
    let queue = queues.get(edit.file);
    if (!queue) {
      queue = latestOnly(send, mergeEdits);
      queues.set(edit.file, queue);
    }
    queue(edit);
  };
  return Object.assign(sender, { idle: (file: string) => queues.get(file)?.idle() ?? Promise.resolve() });
}

/**
 * `editSender`'s sender; `idle(file)` settles once every edit of `file` given to it was
 * answered (an editor opened on the file again is made of the text after them, not before).
 */
export type EditSender = ((edit: DocEdit) => void) & { idle(file: string): Promise<void> };
