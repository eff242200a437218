/**
 * How many elements the Graph view adds to cytoscape in the next frame. A large graph is added
 * in batches, one a frame, so no task styles, measures and draws hundreds of elements at once;
 * how long a batch takes depends on the machine and its load (on a busy 2-core machine 60
 * elements made frames of 100–170 ms), so the size follows the frames: the time from one
 * batch's frame to the next one's holds that batch's adding, cytoscape's drawing of it and the
 * page's other work. A slow frame halves the next batch, a quick one doubles it.
 */
export const FIRST_BATCH = 30;
export const MIN_BATCH = 8;
export const MAX_BATCH = 240;
/** A frame slower than this (ms) halves the next batch. */
export const SLOW_FRAME_MS = 50;
/** A frame quicker than this (ms: two frames at 60 Hz) doubles it. */
export const QUICK_FRAME_MS = 34;

export function nextBatchSize(size: number, frameMs: number): number {
  if (frameMs > SLOW_FRAME_MS) return Math.max(MIN_BATCH, Math.floor(size / 2));
  if (frameMs < QUICK_FRAME_MS) return Math.min(MAX_BATCH, size * 2);
  return size;
}
