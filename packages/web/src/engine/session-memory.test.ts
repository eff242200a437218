import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateCluster, genOptionsForPods, renderGenerated } from '@netpol/core/gen';
import type { InputFile } from '../protocol.js';
import { Session } from './session.js';

// A file of its own: a test process of its own, where only these sessions' memory is looked at.

const session = (files: InputFile[]) =>
  new Session({ mode: 'serve', files, namespace: 'default', canSave: true, version: 0 });

describe('what-if edits keep nothing of the edits before them', () => {
  /**
   * The state the session shows, its files as read and its model (private: what the worker's
   * memory holds, which no answer shows).
   */
  const state = (s: Session) => Reflect.get(s, 'current') as { sources: object[]; cluster: object };

  test('after edits of one List, each asked a matrix, the texts and models of the edits before are collected', async () => {
    // Each edit once kept the one before (the re-read item's objects kept the whole re-read),
    // and the matrices kept the model they were computed on: 7.8 MB an edit of a 3 MB file.
    setFlagsFromString('--expose-gc'); // gc() in a new context (the runner passes no --expose-gc)
    const gc = runInNewContext('gc') as () => void;
    const text = renderGenerated(generateCluster(genOptionsForPods(40, { seed: 5 })), 'yaml');
    const line = text.split('\n').find((l) => /^ {4}kind: /.test(l)) as string;
    const s = session([{ name: 'cluster.yaml', text }]);
    const port = s.summary().ports[0] as string;
    // Asked first after an edit: the matrix computed then is an edited state's.
    const before = session([{ name: 'cluster.yaml', text }]).matrix(port);
    const { earlier, collect, left } = collected(gc);
    // In a function of its own: the test's frame may hold an earlier edit's values meanwhile.
    const edit = (k: number) => {
      const { sources, cluster } = state(s);
      if (k > 0) earlier(sources[0] as object, `edit ${k}: file`);
      if (k > 0) earlier(cluster, `edit ${k}: model`);
      // A comment: no verdict changes, the matrix is kept (its answers, not its model).
      s.edit('cluster.yaml', text.replace(line, `${line} # note ${k}`));
      assert.deepEqual(s.matrix(port), before);
    };
    for (let k = 0; k < 5; k++) edit(k);
    await collect();
    assert.deepEqual(left(), []);
    assert.match(s.text('cluster.yaml') ?? '', / # note 4\n/);
  });

  test("edits of items far apart that move the items after them keep no earlier edit's text", async () => {
    // Each edit read its item again; a line it added moved every item after it. The models
    // kept across builds by the values read (and their first builds, which compiled policies
    // and canonical texts are kept by) kept the place, and so the text, of the build that made
    // them: one more 3 MB text per edit on the 10k cluster.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const text = renderGenerated(generateCluster(genOptionsForPods(60, { seed: 7 })), 'yaml');
    const lines = text.split('\n');
    // Four workloads' replicas and four policies' ports, from the top down: each edit changes
    // one and adds a comment line under it (the items after it move).
    const spread = (pattern: RegExp) => {
      const all = lines.flatMap((l, i) => (pattern.test(l) ? [i] : []));
      assert.ok(all.length >= 4, `the cluster has lines ${pattern} to edit`);
      return [0, 1, 2, 3].map((k) => all[Math.floor((k * all.length) / 4)] as number);
    };
    const targets = [...spread(/^ {6}replicas: \d+$/), ...spread(/^ {14}port: \d+$/)].sort((a, b) => a - b);
    const s = session([{ name: 'cluster.yaml', text }]);
    const port = s.summary().ports[0] as string;
    const { earlier, collect, left } = collected(gc);
    const edit = (k: number) => {
      const at = targets[k] as number;
      const line = lines[at] as string;
      lines[at] = `${line.replace(/\d+$/, String(line.includes('port') ? 1000 + k : 2 + k))}\n    # edit ${k}`;
      s.edit('cluster.yaml', lines.join('\n'));
      s.matrix(port);
      // The last edit's is the current state's: kept.
      if (k < 7) earlier(state(s).sources[0] as object, `edit ${k}: file`);
    };
    for (let k = 0; k < 8; k++) edit(k);
    await collect();
    assert.deepEqual(left(), []);
  });

  test("an edit of an item, then comments on line 1 (every item moved), keep no earlier edit's text", async () => {
    // Verdicts are asked of the model an edit that only moved items equals (core's
    // unmovedModel): only the input's models are kept that way; an edit's, kept as its items
    // moved on, kept that edit's whole text.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const text = renderGenerated(generateCluster(genOptionsForPods(60, { seed: 7 })), 'yaml');
    const s = session([{ name: 'cluster.yaml', text }]);
    const port = s.summary().ports[0] as string;
    const replicas = text.replace(/replicas: (\d+)/, (_, n) => `replicas: ${Number(n) + 1}`);
    assert.notEqual(replicas, text);
    const texts = [1, 2, 3].map((k) => replicas.replace('\n', ` #${k}\n`));
    const { earlier, collect, left } = collected(gc);
    for (const [k, edited] of [replicas, ...texts].entries()) {
      s.edit('cluster.yaml', edited);
      s.matrix(port);
      if (k === texts.length) break; // the current state's
      earlier(state(s).sources[0] as object, `edit ${k}: file`);
    }
    await collect();
    assert.deepEqual(left(), []);
  });

  test('the matrices of the ports shown keep their answers only, not the engine results they were read from', () => {
    // Every port's matrix kept core's MatrixResult (its classes' tables) beside its answers,
    // for as long as the state lived: the input's, for every port the page ever showed.
    const text = renderGenerated(generateCluster(genOptionsForPods(40, { seed: 5 })), 'yaml');
    const s = session([{ name: 'cluster.yaml', text }]);
    const ports = s.summary().ports.slice(0, 3);
    assert.ok(ports.length >= 2, 'the cluster has several ports to show');
    for (const port of ports) assert.ok(s.matrix(port).n > 0);
    assert.deepEqual(reachable(s, isMatrixResult), []);
  });
});

/**
 * Tells which of the objects `earlier` was given were collected. A FinalizationRegistry, not
 * WeakRefs: a WeakRef keeps its target until the job that made (or dereferenced) it ends,
 * which node does not always mark between these awaits (2 runs in 12 kept one).
 */
function collected(gc: () => void) {
  const done = new Set<string>();
  const registry = new FinalizationRegistry<string>((what) => done.add(what));
  const whats: string[] = [];
  return {
    earlier(target: object, what: string) {
      whats.push(what);
      registry.register(target, what);
    },
    /**
     * Collects until every object was, at most a few times: after the caller's job ended (its
     * frame may hold them), and waiting each time for the callbacks, which run in a later task.
     */
    async collect() {
      const later = () => new Promise((resolve) => setTimeout(resolve, 1));
      await later();
      for (let k = 0; k < 6 && done.size < whats.length; k++) {
        gc();
        await later();
      }
    },
    /** The objects not collected. */
    left: () => whats.filter((what) => !done.has(what)),
  };
}

/** What `isMatrixResult` finds among the objects reachable from `root` through their fields, Maps, Sets and arrays. */
function reachable(root: object, found: (value: object) => boolean): string[] {
  const seen = new Set<object>();
  const hits: string[] = [];
  const queue: { value: object; path: string }[] = [{ value: root, path: 'session' }];
  for (let k = 0; k < queue.length && k < 2_000_000; k++) {
    const { value, path } = queue[k] as { value: object; path: string };
    if (found(value)) hits.push(path);
    const next = (child: unknown, name: string) => {
      if (child === null || typeof child !== 'object' || seen.has(child)) return;
      seen.add(child);
      queue.push({ value: child, path: `${path}${name}` });
    };
    if (ArrayBuffer.isView(value)) continue;
    if (value instanceof Map) for (const [key, child] of value) next(child, `.get(${String(key)})`);
    else if (value instanceof Set) for (const child of value) next(child, '.has(…)');
    else for (const [name, child] of Object.entries(value)) next(child, `.${name}`);
  }
  return hits;
}

/** Core's MatrixResult (not its answers, `MatrixBits`): it reads its rows through `row`. */
function isMatrixResult(value: object): boolean {
  return typeof (value as { row?: unknown }).row === 'function' && 'endpoints' in value;
}
