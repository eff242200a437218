/**
 * `task` run at once for each value, but never two at a time: values given while one runs
 * wait, and only the newest of them runs after it (the editor's what-if edits: a change is
 * sent as soon as it is made, typing never queues edits behind each other, and the last text
 * is always the one computed last). A failed task lets the next one run.
 */
export function latestOnly<T>(task: (value: T) => Promise<unknown>): (value: T) => void {
  let busy = false;
  let waiting: { value: T } | undefined;
  const run = (value: T): void => {
    if (busy) {
      waiting = { value };
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
      });
  };
  return run;
}
