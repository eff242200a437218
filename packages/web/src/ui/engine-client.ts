import type { Lesson, LessonResult } from '../engine/lesson.js';
import type {
  AppInput,
  CheckAnswer,
  DiffExportFormat,
  DiffView,
  EditPatch,
  InputFile,
  IssueView,
  MatrixBits,
  MatrixExportFormat,
  PodMatrix,
  Request,
  SelectionView,
  Summary,
} from '../protocol.js';
import { restoreSummary, type SummaryWire } from '../summary-wire.js';
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
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const sent = performance.now();
      const pending = {
        resolve: resolve as (value: never) => void,
        reject,
        op: request.op,
        sent,
        changed: changed ?? sent,
      };
      this.pending.set(id, pending);
      this.worker.postMessage({ id, request, sentAt: performance.timeOrigin + sent });
    });
  }

  load(input: AppInput): Promise<Summary> {
    return this.ask({ op: 'load', input });
  }
  /** `changed`: when the edit was made (`performance.now()`), if before this call: its update is timed from then. */
  edit(file: string, text: string, changed?: number): Promise<Summary> {
    return this.ask({ op: 'edit', file, text }, changed);
  }
  toggle(policy: string, enabled: boolean, changed?: number): Promise<Summary> {
    return this.ask({ op: 'toggle', policy, enabled }, changed);
  }
  /** How a summary that answers an edit or toggle got here (undefined for any other summary). */
  arrivalOf(summary: Summary): UpdateArrival | undefined {
    return this.arrivals.get(summary);
  }
  revert(): Promise<Summary> {
    return this.ask({ op: 'revert' });
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
  /** A file's text as edited. */
  text(file: string): Promise<string | null> {
    return this.ask({ op: 'text', file });
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
