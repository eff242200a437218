/**
 * `task` run at once for each value, but never two at a time: values given while one runs
 * wait, and only the newest of them runs after it (the editor's what-if edits: a change is
 * sent as soon as it is made, typing never queues edits behind each other, and the last text
 * is always the one computed last). A failed task lets the next one run. `merge`: how a value
 * given while another waits joins it (default: the newest alone; the editor's edits compose
 * their changes, doc-edit.ts).
 */
export function latestOnly<T>(
  task: (value: T) => Promise<unknown>,
  merge: (waiting: T, next: T) => T = (_, next) => next,
): LatestOnly<T> {
  let busy = false;
  let waiting: { value: T } | undefined;
  const idlers: (() => void)[] = [];
  const run = (value: T): void => {
    if (busy) {
      waiting = { value: waiting ? merge(waiting.value, value) : value };
      return;
    }
    busy = true;
    task(value)
      .catch(() => undefined)
      .finally(() => {
        busy = false;
        const next = waiting;
        waiting = undefined;
        if (next) run(next.value);
        else for (const done of idlers.splice(0)) done();
      });
  };
  return Object.assign(run, {
    idle: () => (busy ? new Promise<void>((resolve) => idlers.push(resolve)) : Promise.resolve()),
  });
}

/** `latestOnly`'s runner; `idle()` settles once no run is going on and none waits. */
export type LatestOnly<T> = ((value: T) => void) & { idle(): Promise<void> };
