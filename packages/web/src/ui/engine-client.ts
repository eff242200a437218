import type { Text } from '@codemirror/state';
import type { Lesson, LessonResult } from '../engine/lesson.js';
import {
  type AppInput,
  type CheckAnswer,
  type DiffExportFormat,
  type DiffView,
  type EditPatch,
  type InputFile,
  type IssueView,
  type MatrixBits,
  type MatrixExportFormat,
  OUT_OF_STEP,
  type PodMatrix,
  type Request,
  type SelectionView,
  type Summary,
} from '../protocol.js';
import { restoreSummary, type SummaryWire } from '../summary-wire.js';
import { changeList, type DocEdit } from './doc-edit.js';
import type { UpdateStamps } from './update-timing.js';

type Pending = {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
  op: Request['op'];
  sent: number;
  /** When the change it answers was made (an edit's or toggle's; else `sent`). */
  changed: number;
};

/** An edit's or toggle's summary, timed up to its arrival on the page (App adds the commit and the frame). */
export type UpdateArrival = Omit<UpdateStamps, 'committed' | 'framed'> & { op: Request['op'] };

/** Requests whose wait in the worker's queue is recorded (User Timing, `WORKER_QUEUE` + op). */
const TIMED_OPS: ReadonlySet<Request['op']> = new Set(['edit', 'toggle']);
/**
 * How long an edit or toggle waited in the worker before it was handled (behind a lint step,
 * say): a `performance.measure` named `netpol worker queue: edit` from the page's send; the
 * bench reads them. The worker says how long (`queuedMs`: the send's time, `sentAt`, is on the
 * shared clock `timeOrigin + now()`).
 */
export const WORKER_QUEUE = 'netpol worker queue: ';

/** Requests answered with a summary (posted without the lists equal to the last one's: summary-wire.ts). */
const SUMMARY_OPS: ReadonlySet<Request['op']> = new Set(['load', 'edit', 'toggle', 'revert']);

/** The page's handle on the engine worker: one promise per request. */
export class EngineClient {
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  /** The last summary the worker posted, restored: the next may refer to its lists. */
  private summary: Summary | undefined;
  /** The summaries that answer an edit or toggle, with their times so far (update-timing.ts). */
  private readonly arrivals = new WeakMap<Summary, UpdateArrival>();
  /** The input last loaded: what a revert brings back. */
  private loaded: AppInput | undefined;
  /**
   * Which request made each file's text once the worker handled every request sent so far,
   * as the worker counts them (answer-requests.ts): an edit of the file, else the last load or
   * revert. Requests are handled in the order sent, so this is the worker's count then.
   */
  private readonly made = { input: 0, byFile: new Map<string, number>() };
  /**
   * Each file's text as the worker will hold it then, as the page has it: the input's string,
   * the text it asked for, or the editor's document of it. A file absent is not known (an edit
   * failed): its next edit goes whole.
   */
  private readonly holds = new Map<string, string | Text>();

  constructor(private readonly worker: Worker) {
    worker.onmessage = (
      event: MessageEvent<{ id: number; result?: unknown; error?: string; queuedMs?: number; workMs?: number }>,
    ) => {
      const arrived = performance.now();
      const { id, result, error, queuedMs, workMs } = event.data;
      const waiting = this.pending.get(id);
      if (!waiting) return;
      this.pending.delete(id);
      if (queuedMs !== undefined && TIMED_OPS.has(waiting.op)) {
        performance.measure(`${WORKER_QUEUE}${waiting.op}`, { start: waiting.sent, duration: Math.max(0, queuedMs) });
      }
      if (error !== undefined) waiting.reject(new Error(error));
      else if (SUMMARY_OPS.has(waiting.op)) {
        this.summary = restoreSummary(this.summary, result as SummaryWire);
        if (TIMED_OPS.has(waiting.op) && queuedMs !== undefined && workMs !== undefined) {
          const { op, changed, sent } = waiting;
          this.arrivals.set(this.summary, { op, changed, sent, queuedMs, workMs, arrived });
        }
        waiting.resolve(this.summary as never);
      } else waiting.resolve(result as never);
    };
    // A worker that cannot start (a blocked blob: URL, a syntax error) must not leave the page loading forever.
    worker.onerror = (event) => {
      const error = new Error(`the engine worker failed: ${event.message ?? 'it could not start'}`);
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
  }

  private ask<T>(request: Request, changed?: number): Promise<T> {
    return this.post<T>(request, changed).answer;
  }

  private post<T>(request: Request, changed?: number): { id: number; answer: Promise<T> } {
    const id = this.next++;
    const answer = new Promise<T>((resolve, reject) => {
      const sent = performance.now();
      const pending = {
        resolve: resolve as (value: never) => void,
        reject,
        // An edit sent as changes is an edit to the page (its timing: `netpol update: edit`).
        op: request.op === 'change' ? 'edit' : request.op,
        sent,
        changed: changed ?? sent,
      };
      this.pending.set(id, pending);
      this.worker.postMessage({ id, request, sentAt: performance.timeOrigin + sent });
    });
    return { id, answer };
  }

  /** The worker's files are now `input`'s (a load or revert, request `id`); on failure no text is known. */
  private holdInput<T>({ id, answer }: { id: number; answer: Promise<T> }, input: AppInput | undefined): Promise<T> {
    this.made.input = id;
    this.made.byFile.clear();
    this.holds.clear();
    for (const file of input?.files ?? []) this.holds.set(file.name, file.text);
    return answer.catch((error: Error) => {
      if (this.made.input === id) this.holds.clear();
      throw error;
    });
  }

  /** An edit of `file` (request `id`) leaves it `doc`; on failure its text is not known. */
  private holdEdit<T>(
    file: string,
    { id, answer }: { id: number; answer: Promise<T> },
    doc: string | Text,
  ): Promise<T> {
    this.made.byFile.set(file, id);
    this.holds.set(file, doc);
    return answer.catch((error: Error) => {
      if (this.made.byFile.get(file) === id) this.holds.delete(file);
      throw error;
    });
  }

  load(input: AppInput): Promise<Summary> {
    this.loaded = input;
    return this.holdInput(this.post<Summary>({ op: 'load', input }), input);
  }
  /**
   * The file's whole text (a share link's edits). `changed`: when the edit was made
   * (`performance.now()`), if before this call: its update is timed from then.
   */
  edit(file: string, text: string, changed?: number): Promise<Summary> {
    return this.holdEdit(file, this.post({ op: 'edit', file, text }, changed), text);
  }
  /**
   * An edit made in the editor: its changes when the worker holds the document they apply to
   * (the editor's last edit, or the text the editor was opened with), else the whole text.
   * Changes the worker refuses (it holds another text: OUT_OF_STEP) go again as the whole text.
   */
  editDoc(edit: DocEdit): Promise<Summary> {
    const { file, before, changes, after, changed } = edit;
    const held = this.holds.get(file);
    // The same text as a string (a reload's or a share link's edit, sent whole): compared once.
    const same =
      before !== undefined &&
      (held === before || (typeof held === 'string' && held.length === before.length && held === before.toString()));
    if (!same) {
      // The text the worker holds put into the editor (Revert all): nothing to send.
      const known = typeof held === 'string' && held.length === after.length && this.summary;
      if (known && held === after.toString()) {
        this.holds.set(file, after);
        return Promise.resolve(known);
      }
      return this.holdEdit(file, this.post({ op: 'edit', file, text: after.toString() }, changed), after);
    }
    const base = this.made.byFile.get(file) ?? this.made.input;
    const request = { op: 'change', file, changes: changeList(changes), length: before.length, base } as const;
    const sent = this.post<Summary>(request, changed);
    return this.holdEdit(file, sent, after).catch((error: Error) => {
      // Sent whole unless another request made the file since (a revert: the editor follows it).
      if (!error.message.startsWith(OUT_OF_STEP) || this.made.byFile.get(file) !== sent.id) throw error;
      return this.editDoc({ ...edit, before: undefined });
    });
  }
  /** Whether an edit of `file` was sent since the last load or revert (its text may be another than the input's). */
  editedSinceInput(file: string): boolean {
    return this.made.byFile.has(file);
  }
  /**
   * The editor opened `file` with `doc`, made from `text`: when the worker holds that text,
   * the editor's first edit goes as changes of it (a file opened again: the held document of
   * the editor before is compared once).
   */
  opened(file: string, text: string, doc: Text): void {
    const held = this.holds.get(file);
    if (held === text || (held !== undefined && held.length === text.length && held.toString() === text)) {
      this.holds.set(file, doc);
    }
    void this.ask({ op: 'editorOpened', file }).catch(() => undefined);
  }
  toggle(policy: string, enabled: boolean, changed?: number): Promise<Summary> {
    return this.ask({ op: 'toggle', policy, enabled }, changed);
  }
  /** How a summary that answers an edit or toggle got here (undefined for any other summary). */
  arrivalOf(summary: Summary): UpdateArrival | undefined {
    return this.arrivals.get(summary);
  }
  revert(): Promise<Summary> {
    return this.holdInput(this.post<Summary>({ op: 'revert' }), this.loaded);
  }
  matrix(port: string): Promise<MatrixBits> {
    return this.ask({ op: 'matrix', port });
  }
  podMatrix(port: string, rows: string[], cols: string[]): Promise<PodMatrix> {
    return this.ask({ op: 'podMatrix', port, rows, cols });
  }
  check(from: string, to: string, port: string): Promise<CheckAnswer> {
    return this.ask({ op: 'check', from, to, port });
  }
  select(kind: 'pod' | 'policy', id: string): Promise<SelectionView> {
    return this.ask({ op: 'select', kind, id });
  }
  exportMatrix(format: MatrixExportFormat): Promise<string> {
    return this.ask({ op: 'export', format });
  }
  diffBase(): Promise<DiffView | null> {
    return this.ask({ op: 'diffBase' });
  }
  exportDiff(format: DiffExportFormat): Promise<string | null> {
    return this.ask({ op: 'exportDiff', format });
  }
  lint(): Promise<IssueView[]> {
    return this.ask({ op: 'lint' });
  }
  lessons(): Promise<string[]> {
    return this.ask({ op: 'lessons' });
  }
  lesson(id: string): Promise<Lesson | null> {
    return this.ask({ op: 'lesson', id });
  }
  verify(id: string, answer: string): Promise<LessonResult> {
    return this.ask({ op: 'verify', id, answer });
  }
  /** A file's text as edited (also what the worker holds, when no edit of it was sent since). */
  text(file: string): Promise<string | null> {
    const by = this.made.byFile.get(file) ?? this.made.input;
    return this.ask<string | null>({ op: 'text', file }).then((text) => {
      const now = this.made.byFile.get(file) ?? this.made.input;
      if (text !== null && now === by && !this.holds.has(file)) this.holds.set(file, text);
      return text;
    });
  }
  /** The edited files, whole (Save). */
  edited(): Promise<InputFile[]> {
    return this.ask({ op: 'edited' });
  }
  /** The edits as patches of the input (the share link). */
  patches(): Promise<EditPatch[]> {
    return this.ask({ op: 'patches' });
  }
  locate(policy: string): Promise<{ file: string; line: number } | null> {
    return this.ask({ op: 'locate', policy });
  }
}
