/**
 * Where a what-if update's time goes, from the change (a keystroke, a click) to the frame that
 * shows its answer: the page sending it, the wait in the worker's queue (a lint step under
 * way), the worker's work, the answer's way back to the page (the structured clone, and the
 * page's main thread busy with something else), React's render and commit, and the wait for
 * the next frame. The page records each update as a User Timing measure named
 * `UPDATE_MEASURE + op` whose `detail` is this breakdown (the bench reads them; the DevTools
 * performance panel shows them).
 */
export const UPDATE_MEASURE = 'netpol update: ';

/** Times of one update on the page's clock (`performance.now()`), and the worker's own figures. */
export interface UpdateStamps {
  /** The change was made (the editor's transaction, the checkbox's event). */
  changed: number;
  /** The request was posted to the worker. */
  sent: number;
  /** From the post (the request's clone included) until the worker handled it: a lint step under way, say. */
  queuedMs: number;
  /** How long the worker took to answer it, until it posted the answer (the worker's figure). */
  workMs: number;
  /** The answer reached the page (its message handler ran). */
  arrived: number;
  /** React committed the render that shows it. */
  committed: number;
  /** The next animation frame after that commit began: the frame that paints it. */
  framed: number;
}

export interface UpdateBreakdown {
  totalMs: number;
  /** Change to post (the editor making the text, say). */
  sendMs: number;
  queueMs: number;
  workerMs: number;
  /** The worker's post to the page's handler: the answer's clone and delivery, and the page's main thread being busy. */
  toPageMs: number;
  /** The handler to React's commit (summary restored, render, commit). */
  renderMs: number;
  /** The commit to the frame that paints it. */
  frameMs: number;
}

const ms = (x: number) => Math.round(x * 10) / 10;

/**
 * The parts of an update. The worker's figures are durations on its own clock; what is left
 * between the post and the answer's arrival is the way back (never negative: the clocks of
 * page and worker share an origin but round apart).
 */
export function updateBreakdown(t: UpdateStamps): UpdateBreakdown {
  const atWorkerEnd = t.sent + t.queuedMs + t.workMs;
  return {
    totalMs: ms(t.framed - t.changed),
    sendMs: ms(t.sent - t.changed),
    queueMs: ms(t.queuedMs),
    workerMs: ms(t.workMs),
    toPageMs: ms(Math.max(0, t.arrived - atWorkerEnd)),
    renderMs: ms(t.committed - t.arrived),
    frameMs: ms(t.framed - t.committed),
  };
}
