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
    const earlier: { what: string; ref: WeakRef<object> }[] = [];
    // In a function of its own: the test's frame may hold an earlier edit's values meanwhile.
    const edit = (k: number) => {
      const { sources, cluster } = state(s);
      if (k > 0) earlier.push({ what: `edit ${k}: file`, ref: new WeakRef(sources[0] as object) });
      if (k > 0) earlier.push({ what: `edit ${k}: model`, ref: new WeakRef(cluster) });
      // A comment: no verdict changes, the matrix is kept (its answers, not its model).
      s.edit('cluster.yaml', text.replace(line, `${line} # note ${k}`));
      assert.deepEqual(s.matrix(port), before);
    };
    for (let k = 0; k < 5; k++) edit(k);
    // WeakRefs made (or dereferenced) in a turn hold their targets until it ends; a few
    // collections, as another test's work may still hold them for one.
    for (let k = 0; k < 3; k++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    assert.deepEqual(
      earlier.filter((e) => e.ref.deref() !== undefined).map((e) => e.what),
      [],
    );
    assert.match(s.text('cluster.yaml') ?? '', / # note 4\n/);
  });
});
