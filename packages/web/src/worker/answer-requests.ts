import { Session } from '../engine/session.js';
import { type MatrixBits, OUT_OF_STEP, type Request, type Summary } from '../protocol.js';
import { elideSummary } from '../summary-wire.js';

/** What the worker posts back: `{ id, result }` or `{ id, error }`. */
export type Answer = { id: number; result: unknown } | { id: number; error: string };

/** `f()`, or undefined when it throws: a matrix asked by the page later answers with the error then. */
function quietly<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** How many times the edit path runs ahead when the editor opens (`prepareEdit`). */
export const EDIT_WARM_ROUNDS = 3;

/** Said instead of findings when the state changed while lint ran (the page asks again). */
export const STALE_LINT = 'stale lint: the input changed while it ran';

/**
 * The engine's requests but Learn's, answered on one session. Each answers at once, in order
 * (an edit, toggle or revert with the matrix of the port the page shows, or that matrix
 * computed after the answer when it costs a whole matrix), except
 * lint: it runs a rule at a time and `pause()`s between rules (the worker: a macrotask), so
 * an edit that arrives meanwhile is answered before lint finishes; a lint whose state an edit
 * replaced is abandoned with STALE_LINT, never answered with the old state's findings.
 */
export function answerRequests(post: (answer: Answer) => void, pause: () => Promise<void>) {
  let session: Session | undefined;
  /** The last summary posted: the next leaves out what equals it (summary-wire.ts). */
  let posted: Summary | undefined;
  /** The input's what-if side was found (`prepareWhatIf`) since the last load. */
  let whatIfPrepared = false;
  /** The edit path was run ahead (`prepareEdit`) since the last load. */
  let editPrepared = false;
  /** Loads so far: what runs between requests stops when another input came. */
  let loads = 0;
  /**
   * Which request made each file's text (a `change` names it as its `base`): an edit of the
   * file, else the last load or revert (`made.input`). -1 after an edit that failed: its
   * text is not what the page thinks, and the page sends the whole text next.
   */
  const made = { input: 0, byFile: new Map<string, number>() };

  function handle(id: number, request: Request): unknown {
    if (request.op === 'load' || request.op === 'revert') {
      made.input = id;
      made.byFile.clear();
    }
    if (request.op === 'load') {
      loads++;
      whatIfPrepared = false;
      editPrepared = false;
      if (session) return session.reload(request.input);
      session = new Session(request.input);
      return session.summary();
    }
    if (!session) throw new Error('no input loaded yet');
    switch (request.op) {
      case 'edit':
        made.byFile.set(request.file, id);
        return session.edit(request.file, request.text);
      case 'change': {
        const base = made.byFile.get(request.file) ?? made.input;
        if (base !== request.base) throw new Error(`${OUT_OF_STEP} ${request.file} was made by request ${base}`);
        const summary = session.change(request.file, request.changes, request.length);
        made.byFile.set(request.file, id);
        return summary;
      }
      case 'toggle':
        return session.toggle(request.policy, request.enabled);
      case 'revert':
        return session.revert();
      case 'matrix':
        return session.matrix(request.port);
      case 'podMatrix':
        return session.podMatrix(request.port, request.rows, request.cols);
      case 'check':
        return session.check(request.from, request.to, request.port);
      case 'select':
        return session.select(request.kind, request.id);
      case 'export':
        return session.exportMatrix(request.format);
      case 'diffBase':
        return session.diffBase() ?? null;
      case 'exportDiff':
        return session.exportDiff(request.format) ?? null;
      case 'lint':
        throw new Error('lint is answered by lintInSlices');
      case 'lessons':
      case 'lesson':
      case 'verify':
        throw new Error('the worker answers Learn (the bundled lessons)');
      case 'text':
        return session.text(request.file) ?? null;
      case 'editorOpened':
        return null; // the edit path runs ahead after this answer (below)
      case 'edited':
        return session.edited();
      case 'patches':
        return session.patches();
      case 'locate':
        return session.locate(request.policy) ?? null;
      default:
        throw new Error(`unknown request ${(request as { op: string }).op}`);
    }
  }

  async function lintInSlices(id: number, steps: ReturnType<Session['lintSteps']>): Promise<void> {
    try {
      for (;;) {
        const step = steps.next();
        if (step.done) {
          post(step.value ? { id, result: step.value } : { id, error: STALE_LINT });
          return;
        }
        await pause();
      }
    } catch (error) {
      post({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }

  return (id: number, request: Request): void => {
    if (request.op === 'lint' && session) {
      void lintInSlices(id, session.lintSteps());
      return;
    }
    const changes =
      request.op === 'edit' || request.op === 'change' || request.op === 'toggle' || request.op === 'revert';
    let matrix: MatrixBits | undefined;
    try {
      const result = handle(id, request);
      if (changes || request.op === 'load') {
        // The shown port's matrix goes with the new summary when it is quick to find (kept or
        // carried), so the page shows both at once.
        matrix = changes ? quietly(() => session?.quickMatrix()) : undefined;
        const summary = result as Summary;
        post({ id, result: elideSummary(posted, matrix ? { ...summary, matrix } : summary) });
        posted = summary;
      } else post({ id, result });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // An edit that failed on its way may have left any text (a refused change left it as it was).
      if ((request.op === 'edit' || request.op === 'change') && !message.startsWith(OUT_OF_STEP)) {
        made.byFile.set(request.file, -1);
      }
      post({ id, error: message });
      return;
    }
    // Else the page asks it once it rendered the summary: computed now, it is ready when asked
    // (the page's render and the worker's matrix overlap).
    if (changes && !matrix) quietly(() => session?.prepareMatrix());
    // After the first view's matrix the worker is idle while the page draws: the first what-if's
    // share of the input is found then, not when the user makes it.
    if (request.op === 'matrix' && !whatIfPrepared) {
      whatIfPrepared = true;
      quietly(() => session?.prepareWhatIf());
    }
    // The editor opened a file: the user types next, so the edit path is run ahead on that file
    // now (its first edit was ~100 ms slower than the next), not at the first keystroke.
    if (request.op === 'editorOpened' && !editPrepared) {
      editPrepared = true;
      void prepareEditInSlices(request.file, loads);
    }
  };

  /**
   * `prepareEdit` a few times (the JIT optimizes a function after several calls: after one
   * run the first edit still cost ~1.5× the next ones at 10k pods), each after a pause, so a
   * request that arrives meanwhile (the user's edit, lint's steps) waits for one run at most.
   */
  async function prepareEditInSlices(file: string, load: number): Promise<void> {
    for (let round = 0; round < EDIT_WARM_ROUNDS; round++) {
      await pause();
      if (load !== loads) return; // another input since
      quietly(() => session?.prepareEdit(file));
    }
  }
}
