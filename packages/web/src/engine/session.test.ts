import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { at, type ClusterModel, originLocation } from '@netpol/core';
import { generateCluster, genOptionsForPods, renderGenerated } from '@netpol/core/gen';
import fc from 'fast-check';
import type { InputFile, Summary } from '../protocol.js';
import { applyPatches } from './edit-patch.js';
import { Session } from './session.js';

const examples = join(import.meta.dirname, '..', '..', '..', '..', 'examples');

function read(example: string): InputFile[] {
  const dir = join(examples, example);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'expect.yaml')
    .sort()
    .map((f) => ({ name: `${example}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

const session = (files: InputFile[]) =>
  new Session({ mode: 'serve', files, namespace: 'default', canSave: true, version: 0 });

/** What the page is shown, apart from what compares with the input as loaded. */
function shown(s: Session, summary: Summary) {
  const { whatIf: _w, dirty: _d, ...rest } = summary;
  return {
    ...rest,
    matrices: summary.ports.map((p) => s.matrix(p)),
    checks: summary.endpoints
      .slice(0, 4)
      .flatMap((a) => summary.endpoints.slice(0, 4).map((b) => s.check(a.id, b.id, summary.ports[0] ?? '80'))),
  };
}

/**
 * The matrix an edit's answer carries (the port asked last, when kept or carried) is a fresh
 * session's of the edited files. `files`: the files before `edit`.
 */
function quickMatrixIsFresh(s: Session, files: InputFile[], edit: { file: string; text: string }): void {
  const quick = s.quickMatrix();
  if (!quick) return;
  const fresh = session(files.map((f) => (f.name === edit.file ? { name: f.name, text: edit.text } : f)));
  assert.deepEqual(quick, fresh.matrix(quick.port));
}

/** Where each element of `cluster` is written, by kind and id. */
function originsOf(cluster: ClusterModel) {
  const where = (x: { id?: string; name?: string; origin?: Parameters<typeof originLocation>[0] }) => [
    x.id ?? x.name,
    originLocation(x.origin, []),
  ];
  return [
    ...[...cluster.namespaces.values()].map(where),
    ...cluster.pods.map(where),
    ...cluster.workloads.map(where),
    ...cluster.workloads.flatMap((w) => w.pods.map(where)),
    ...cluster.services.map(where),
    ...cluster.policies.map(where),
  ];
}

/**
 * A session `prepare`d after its first matrix answers any edits and toggles (their summaries,
 * quick matrices, matrices and share-link patches) as one that was not.
 */
function preparedAnswersAsPlain(
  files: InputFile[],
  edits: fc.Arbitrary<{ file: string; text: string }>,
  prepare: (s: Session) => void,
  numRuns: number,
): void {
  const policies = session(files)
    .summary()
    .policies.map((p) => p.id);
  fc.assert(
    fc.property(fc.array(fc.oneof(edits, fc.nat(policies.length - 1)), { minLength: 1, maxLength: 4 }), (steps) => {
      const prepared = session(files);
      const plain = session(files);
      const port = plain.summary().ports[0] ?? '80/TCP';
      prepared.matrix(port);
      plain.matrix(port);
      prepare(prepared);
      for (const step of steps) {
        const answer = (s: Session) =>
          typeof step === 'number' ? s.toggle(policies[step] as string, false) : s.edit(step.file, step.text);
        assert.deepEqual(answer(prepared), answer(plain));
        assert.deepEqual(prepared.quickMatrix(), plain.quickMatrix());
        assert.deepEqual(prepared.matrix(port), plain.matrix(port));
        assert.deepEqual(prepared.patches(), plain.patches());
      }
    }),
    { numRuns },
  );
}

const input = read('001-frontend-backend');
/** Texts a file may be edited to: another file's, a line dropped or commented out, broken YAML. */
const edit = fc.tuple(fc.integer({ min: 0, max: input.length - 1 }), fc.nat(), fc.nat(5)).map(([i, n, how]) => {
  const text = (input[i] as InputFile).text;
  const lines = text.split('\n');
  const at = n % lines.length;
  const texts = [
    (input[n % input.length] as InputFile).text,
    lines.filter((_, k) => k !== at).join('\n'),
    lines.map((l, k) => (k === at ? `#${l}` : l)).join('\n'),
    `${text}\n---\nkind: [broken\n`,
    text,
    lines.map((l, k) => (k === at && l.trim() !== '' ? `${l} # note` : l)).join('\n'),
  ];
  return { file: (input[i] as InputFile).name, text: texts[how] as string };
});

describe('what-if edits re-read only the edited file', () => {
  test('after any edits, the page sees what a fresh load of the edited files shows', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(edit, fc.nat(3)), { minLength: 1, maxLength: 4 }), (edits) => {
        const s = session(input);
        let summary = s.summary();
        const files = input.map((f) => ({ ...f }));
        for (const [e, asked] of edits) {
          // The page asks for matrices after each edit (but one typed before the answer): kept
          // ones must be what a fresh load computes. The worker sends the port asked last with
          // an edit's answer (quickMatrix), or computes it right after (prepareMatrix).
          if (asked > 0) for (const port of summary.ports) s.matrix(port);
          summary = s.edit(e.file, e.text);
          if (asked === 2) s.prepareMatrix();
          if (asked === 3) quickMatrixIsFresh(s, files, e);
          (files.find((f) => f.name === e.file) as InputFile).text = e.text;
        }
        const fresh = session(files);
        assert.deepEqual(shown(s, summary), shown(fresh, fresh.summary()));
        // The what-if (against the input as loaded) does not depend on the edits' order either.
        const once = session(input);
        let last = once.summary();
        for (const f of files)
          if (f.text !== input.find((g) => g.name === f.name)?.text) last = once.edit(f.name, f.text);
        assert.deepEqual(summary.whatIf, last.whatIf);
        assert.deepEqual(summary.dirty, last.dirty);
        // The share link's patches give the edited files back.
        for (const f of input) {
          const patches = s.patches().filter((p) => p.file === f.name);
          assert.equal(applyPatches(f.text, patches), (files.find((g) => g.name === f.name) as InputFile).text);
        }
      }),
      { numRuns: 40 },
    );
  });

  test("an edit that changes no endpoint's view gives the same view objects, not 2,000 new ones", () => {
    // The summary made every endpoint's view (and a copy of its labels) again at every edit.
    const text = renderGenerated(generateCluster(genOptionsForPods(200, { seed: 3 })), 'yaml');
    const s = session([{ name: 'cluster.yaml', text }]);
    const before = s.summary().endpoints;
    // A policy's port 8080 -> 8089: a digit, no line moves.
    const digit = text.lastIndexOf('  port: 8080\n') + '  port: 808'.length;
    assert.ok(digit > 100, 'the cluster has a policy port 8080');
    const after = s.edit('cluster.yaml', `${text.slice(0, digit)}9${text.slice(digit + 1)}`).endpoints;
    assert.equal(after.length, before.length);
    assert.deepEqual(
      after.flatMap((view, i) => (view === before[i] ? [] : [view.id])),
      [],
    );
  });

  test('the share link carries each edit as a patch of its own: a comment on the first line and a port far below', () => {
    // As the bench's edits: one patch from the first line to the port was half the 3 MB file,
    // made, posted, deflated and put in the URL at every keystroke.
    const text = renderGenerated(generateCluster(genOptionsForPods(200, { seed: 3 })), 'yaml');
    const s = session([{ name: 'cluster.yaml', text }]);
    const commented = text.replace('\n', ' #\n');
    const port = commented.lastIndexOf('port: ') + 'port: '.length;
    const edited = `${commented.slice(0, port)}1${commented.slice(port)}`;
    s.edit('cluster.yaml', commented);
    s.edit('cluster.yaml', edited);
    const patches = s.patches();
    assert.deepEqual(
      patches.map((p) => [p.from, p.to, p.insert]),
      [
        [text.indexOf('\n'), text.indexOf('\n'), ' #'],
        [port - 2, port - 2, '1'],
      ],
    );
    assert.equal(applyPatches(text, patches), edited);
    s.edit('cluster.yaml', text.replace('\n', ' #\n'));
    assert.deepEqual(
      s.patches().map((p) => p.insert),
      [' #'],
    );
    s.revert();
    assert.deepEqual(s.patches(), []);
  });

  test("the input's what-if side found ahead (prepareWhatIf) changes no answer of later edits and toggles", () => {
    preparedAnswersAsPlain(input, edit, (s) => s.prepareWhatIf(), 25);
  });

  test('the edit path run ahead (prepareEdit) leaves the input as loaded and changes no later answer', () => {
    // A generated List too: its first line's comment moves every item (the path it runs ahead).
    const text = renderGenerated(generateCluster(genOptionsForPods(60, { seed: 5 })), 'yaml');
    const lines = text.split('\n');
    const listEdit = fc.tuple(fc.nat(), fc.nat(2)).map(([n, how]) => {
      const at = n % lines.length;
      const line = lines[at] ?? '';
      const edited = [`${line} #`, `#${line}`, line.replace(/\d$/, '7')][how] as string;
      return { file: 'cluster.yaml', text: lines.map((l, k) => (k === at ? edited : l)).join('\n') };
    });
    const prepare = (s: Session, files: InputFile[]) => {
      const before = s.summary();
      s.prepareEdit((files[0] as InputFile).name);
      assert.deepEqual(s.summary(), before);
      assert.deepEqual(s.patches(), []);
      assert.deepEqual(s.edited(), []);
    };
    preparedAnswersAsPlain(input, edit, (s) => prepare(s, input), 15);
    const list = [{ name: 'cluster.yaml', text }];
    preparedAnswersAsPlain(list, listEdit, (s) => prepare(s, list), 15);
  });

  test('the edit path is run ahead only on the input as loaded', () => {
    const s = session(input);
    const file = input[0] as InputFile;
    s.edit(file.name, `${file.text}\n# note\n`);
    s.prepareEdit(file.name);
    assert.equal(s.text(file.name), `${file.text}\n# note\n`, 'an edit stays');
    assert.equal(s.patches().length, 1);
  });

  test('an edit made and undone leaves no what-if and nothing dirty', () => {
    const s = session(input);
    const file = input[0] as InputFile;
    assert.ok(s.edit(file.name, `${file.text}\n# note\n`).dirty.length === 1);
    const back = s.edit(file.name, file.text);
    assert.deepEqual(back.dirty, []);
    assert.deepEqual(back.whatIf?.opened ?? [], []);
    assert.deepEqual(back.whatIf?.closed ?? [], []);
  });

  test('edits of one generated List (items re-read, matrices kept when no verdict changes) show what a fresh load shows', () => {
    const text = renderGenerated(generateCluster(genOptionsForPods(80, { seed: 3 })), 'yaml');
    const one = [{ name: 'cluster.yaml', text }];
    const lines = text.split('\n');
    const lineEdit = fc.tuple(fc.nat(), fc.nat(3)).map(([n, how]) => {
      const at = n % lines.length;
      const line = lines[at] ?? '';
      const changed = [
        `${line} # note`,
        line.replace(/: (\S+)$/, ': $1x'),
        line.replace(/^(\s*)- /, '$1- ').replace(/port: (\d+)/, 'port: 1$1'),
        '',
      ][how] as string;
      return lines.map((l, k) => (k === at ? changed : l)).join('\n');
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(lineEdit, fc.nat(3)), { minLength: 1, maxLength: 3 }), (texts) => {
        const s = session(one);
        let summary = s.summary();
        for (const [edited, asked] of texts) {
          if (asked > 0) for (const port of summary.ports.slice(0, 2)) s.matrix(port);
          summary = s.edit('cluster.yaml', edited);
          if (asked === 2) s.prepareMatrix();
          if (asked === 3) quickMatrixIsFresh(s, one, { file: 'cluster.yaml', text: edited });
        }
        const fresh = session([{ name: 'cluster.yaml', text: texts[texts.length - 1]?.[0] as string }]);
        assert.deepEqual(shown(s, summary), shown(fresh, fresh.summary()));
      }),
      { numRuns: 15 },
    );
  });

  test('an edit that moves List items (line 1, a line or an item near the top) cites the places a fresh load cites', () => {
    // The verdicts are asked of the model the edit moved (its pods, workloads and Services are
    // the input's: core's unmovedModel); every place shown is the edited text's own.
    const text = renderGenerated(generateCluster(genOptionsForPods(60, { seed: 11 })), 'yaml');
    const lines = text.split('\n');
    const firstItem = lines.findIndex((l) => /^ {2}- /.test(l));
    const secondItem = lines.findIndex((l, k) => k > firstItem && /^ {2}- /.test(l));
    const edits = [
      text.replace('\n', ' #\n'),
      text.replace('\n', ' #\n# a line\n'),
      [...lines.slice(0, firstItem + 1), '    # inside the first item', ...lines.slice(firstItem + 1)].join('\n'),
      [...lines.slice(0, firstItem), ...lines.slice(secondItem)].join('\n'),
      lines.map((l, k) => (k > firstItem && k < secondItem ? l.replace(/name: (\S+)$/, 'name: $1x') : l)).join('\n'),
    ];
    const places = (s: Session) => {
      const summary = s.summary();
      const pods = summary.endpoints.filter((e) => e.kind !== 'external');
      const chosen = [...pods.slice(0, 3), ...pods.slice(-3)];
      const policies = [...summary.policies.slice(0, 3), ...summary.policies.slice(-3)];
      return {
        selections: [...chosen.map((e) => s.select('pod', e.id)), ...policies.map((p) => s.select('policy', p.id))],
        located: policies.map((p) => s.locate(p.id)),
        checks: chosen.flatMap((a) => chosen.map((b) => s.check(a.id, b.id, summary.ports[0] ?? '80'))),
        lint: s.lint(),
        // Every model element's place (no answer above cites a pod's, a workload's, a Service's
        // or a namespace's yet: the state's placed model must still be the edited text's).
        origins: originsOf(Reflect.get(s, 'current').placed as ClusterModel),
      };
    };
    for (const [k, edited] of edits.entries()) {
      const fresh = places(session([{ name: 'cluster.yaml', text: edited }]));
      // From the input, and after another edit (moved again): each reads only what changed.
      for (const before of [[], [at(edits, (k + 1) % edits.length)]]) {
        const s = session([{ name: 'cluster.yaml', text }]);
        s.summary();
        for (const other of before) s.edit('cluster.yaml', other);
        s.edit('cluster.yaml', edited);
        assert.deepEqual(places(s), fresh, `edit ${k} after ${before.length}`);
      }
    }
  });

  test("the matrix's ports are the state's: kept across a comment, found again when a policy names another port", () => {
    const text = renderGenerated(generateCluster(genOptionsForPods(40, { seed: 5 })), 'yaml');
    const policies = text.indexOf('kind: NetworkPolicy');
    const port = /\n( {14}port: )(\d+)\n/.exec(text.slice(policies));
    assert.ok(policies > 0 && port, 'the cluster has a policy port');
    const at = policies + port.index;
    const named = `${text.slice(0, at)}\n${port[1]}54321\n${text.slice(at + port[0].length)}`;
    const s = session([{ name: 'cluster.yaml', text }]);
    const input = s.summary();
    const steps = [text.replace('\n', ' #\n'), named, named.replace('\n', ' #\n'), text];
    for (const edited of steps) {
      const summary = s.edit('cluster.yaml', edited);
      const fresh = session([{ name: 'cluster.yaml', text: edited }]).summary();
      assert.deepEqual([summary.ports, summary.preferredPort], [fresh.ports, fresh.preferredPort]);
      assert.equal(
        summary.ports.some((p) => p.startsWith('54321/')),
        edited.includes('54321'),
      );
    }
    assert.ok(!input.ports.some((p) => p.startsWith('54321/')));
  });

  test("a comment on line 1 asks the verdicts of the input's pods, workloads and Services, not of copies", () => {
    // The edit moves every item: the model's pods are copies at their new places, and each
    // comparison by identity (the what-if diff, the compiled answers, the summary's views, the
    // kept matrices) found them all changed (~180 ms at 10k pods where an edit at the end took 65).
    const text = renderGenerated(generateCluster(genOptionsForPods(40, { seed: 5 })), 'yaml');
    const s = session([{ name: 'cluster.yaml', text }]);
    const state = () => Reflect.get(s, 'current') as { cluster: { pods: object[]; workloads: object[] } };
    const input = state().cluster;
    s.edit('cluster.yaml', text.replace('\n', ' #\n'));
    assert.notEqual(state().cluster, input);
    assert.ok(input.pods.length > 0 && input.workloads.length > 0);
    assert.deepEqual(
      state().cluster.pods.map((pod, k) => pod === input.pods[k]),
      input.pods.map(() => true),
    );
    assert.ok(state().cluster.workloads.every((w, k) => w === input.workloads[k]));
  });

  test('an edit that changes no verdict keeps the matrix; one that does asks again the rows and columns it may change', () => {
    const text = renderGenerated(generateCluster(genOptionsForPods(40, { seed: 4 })), 'yaml');
    const s = session([{ name: 'cluster.yaml', text }]);
    const port = s.summary().ports[0] as string;
    const before = s.matrix(port);
    const commented = text.replace('\n', ' # note\n');
    s.edit('cluster.yaml', commented);
    // The answer to an edit carries the matrix of the port asked last (quickMatrix): kept here.
    assert.deepEqual(s.quickMatrix(), before);
    assert.deepEqual(s.matrix(port), before);
    // Every policy skipped (an unknown kind): every connection opens, the matrix with them.
    const none = commented.replaceAll('kind: NetworkPolicy', 'kind: NetworkPolicyX');
    const fresh = session([{ name: 'cluster.yaml', text: none }]);
    s.edit('cluster.yaml', none);
    // Carried: the changed rows and columns asked again.
    assert.deepEqual(s.quickMatrix(), fresh.matrix(port));
    assert.deepEqual(s.matrix(port), fresh.matrix(port));
    assert.notDeepEqual(s.matrix(port).bits, before.bits);
  });
});

describe('Session: --base and what neither version analyzed', () => {
  test('a changed Helm template is listed in the Diff view and in its export, as netpol diff names it', () => {
    const template = (extra: string) =>
      `{{- if .Values.enabled }}\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  podSelector: {}\n${extra}{{- end }}\n`;
    const files = [...input, { name: 'chart/templates/np.yaml', text: template('  ingress: [{}]\n') }];
    const base = [...input, { name: 'chart/templates/np.yaml', text: template('') }];
    const s = new Session({
      mode: 'serve',
      files,
      base,
      baseName: 'b',
      headName: 'h',
      namespace: 'default',
      canSave: false,
      version: 0,
    });
    const view = s.diffBase();
    assert.deepEqual(view?.unanalyzed, [{ change: 'changed', file: 'chart/templates/np.yaml', what: 'Helm template' }]);
    assert.deepEqual([view?.opened, view?.closed], [[], []]);
    assert.deepEqual(JSON.parse(s.exportDiff('json') ?? '').unanalyzed, view?.unanalyzed);
    assert.match(s.exportDiff('md') ?? '', /1 change not analyzed/);
    // The same template on both sides: nothing to name.
    const same = new Session({ mode: 'serve', files, base: files, namespace: 'default', canSave: false, version: 0 });
    assert.equal(same.diffBase()?.unanalyzed, undefined);
  });
});

describe('Session: the what-if names what neither the input nor the edit analyzed', () => {
  const template = (extra: string) =>
    `{{- if .Values.enabled }}\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  podSelector: {}\n${extra}{{- end }}\n`;
  const cilium =
    '---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: allow-all\n  namespace: backend-ns\nspec:\n  endpointSelector: {}\n  ingress: [{}]\n';
  const files = [...input, { name: 'chart/templates/np.yaml', text: template('') }];
  const first = input[0] as InputFile;
  const rows: {
    name: string;
    edit: { file: string; text: string };
    unanalyzed: { change: string; file: string; what: string }[] | undefined;
  }[] = [
    {
      name: 'a Helm template edited in the page',
      edit: { file: 'chart/templates/np.yaml', text: template('  ingress: [{}]\n') },
      unanalyzed: [{ change: 'changed', file: 'chart/templates/np.yaml', what: 'Helm template' }],
    },
    {
      name: "another engine's policy added to a file",
      edit: { file: first.name, text: `${first.text}${cilium}` },
      unanalyzed: [{ change: 'added', file: first.name, what: 'CiliumNetworkPolicy backend-ns/allow-all' }],
    },
    {
      name: 'a comment added to the Helm template (its text differs: netpol cannot tell what that changes)',
      edit: { file: 'chart/templates/np.yaml', text: `# note\n${template('')}` },
      unanalyzed: [{ change: 'changed', file: 'chart/templates/np.yaml', what: 'Helm template' }],
    },
    {
      name: 'an edit of an analyzed policy only: nothing unanalyzed to name',
      edit: { file: first.name, text: `${first.text}\n# note\n` },
      unanalyzed: undefined,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const s = session(files);
      const summary = s.edit(row.edit.file, row.edit.text);
      assert.ok(summary.whatIf, 'an edit has a what-if');
      assert.deepEqual(summary.whatIf.unanalyzed, row.unanalyzed);
      // Undone: nothing to compare, nothing to name.
      assert.equal(s.revert().whatIf, undefined);
    });
  }

  test('a Cilium policy in the input, edited in the page, is named changed; toggles alone name nothing', () => {
    const s = session([...input.slice(1), { name: first.name, text: `${first.text}${cilium}` }]);
    const policy = s.summary().policies[0]?.id ?? '';
    assert.equal(s.toggle(policy, false).whatIf?.unanalyzed, undefined);
    s.toggle(policy, true);
    const edited = s.edit(first.name, `${first.text}${cilium.replace('ingress: [{}]', 'ingress: []')}`);
    assert.deepEqual(edited.whatIf?.unanalyzed, [
      { change: 'changed', file: first.name, what: 'CiliumNetworkPolicy backend-ns/allow-all' },
    ]);
  });
});
