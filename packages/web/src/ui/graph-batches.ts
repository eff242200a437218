/**
 * How many elements the Graph view adds to cytoscape in the next frame. A large graph is added
 * in batches, one a frame, so no task styles, measures and draws hundreds of elements at once.
 * Adding is cheap (a few ms for 100 elements); cytoscape's next render is not: it styles each
 * new element and measures its label and bounds (~0.5–1.5 ms an element on this 2-core
 * machine under load: a batch of 60 made frames of 100–170 ms, one of 128 a frame of 217 ms).
 * So batches stay small, and smaller still when frames are slow: the time from one batch's
 * frame to the next one's holds the page's work in between (the render of the batches before,
 * the machine's load). A slow frame halves the next batch; a quick one doubles it, up to
 * MAX_BATCH (growing past it on quick frames made the long tasks: the render lags the adding
 * by a frame or two, so a run of quick frames says nothing of a batch twice the size).
 */
export const FIRST_BATCH = 30;
/**
 * Not fewer: each frame also redraws what is in, so on a loaded machine tiny batches made the
 * first view's main-thread work grow by a third (the frames, not the elements).
 */
export const MIN_BATCH = 15;
export const MAX_BATCH = 30;
/** A frame slower than this (ms) halves the next batch. */
export const SLOW_FRAME_MS = 50;
/** A frame quicker than this (ms: two frames at 60 Hz) doubles it. */
export const QUICK_FRAME_MS = 34;

export function nextBatchSize(size: number, frameMs: number): number {
  if (frameMs > SLOW_FRAME_MS) return Math.max(MIN_BATCH, Math.floor(size / 2));
  if (frameMs < QUICK_FRAME_MS) return Math.min(MAX_BATCH, size * 2);
  return size;
}
