import { plural } from '@netpol/core/format';
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { AppInput, IssueView, MatrixBits, Summary } from '../protocol.js';
import { CheckPanel } from './CheckPanel.js';
import { DiffPanel } from './DiffPanel.js';
import { decodeEdits, encodeEdits } from './edit-codec.js';
import type { EngineClient } from './engine-client.js';
import { MatrixView } from './MatrixView.js';
import { PoliciesView } from './PoliciesView.js';
import { reloadWords, staleLinkWords } from './reload-words.js';
import { SelectionPanel } from './SelectionPanel.js';
import { UPDATE_MEASURE, updateBreakdown } from './update-timing.js';
import { useViewState, type ViewState } from './url-state.js';

// The views with CodeMirror are evaluated when first shown, not with the page: CodeMirror's
// modules (the YAML grammar's tables, the editor's style sheets) were a third of the script's
// evaluation, the first long task of every page load. The Graph's (cytoscape, another large
// part) is evaluated in a task of its own while the worker reads the input (App's first
// effect). One app.js still (vite.config.ts: `codeSplitting: false`): the report inlines it,
// and under file:// there is no chunk to fetch.
const EditorView = lazy(() => import('./EditorView.js').then((m) => ({ default: m.EditorView })));
const LearnView = lazy(() => import('./LearnView.js').then((m) => ({ default: m.LearnView })));
const loadGraphView = () => import('./GraphView.js');
const GraphView = lazy(() => loadGraphView().then((m) => ({ default: m.GraphView })));

const LOADING = <p aria-busy="true">Loading…</p>;

const VIEWS: { id: ViewState['view']; label: string }[] = [
  { id: 'graph', label: 'Graph' },
  { id: 'matrix', label: 'Matrix' },
  { id: 'policies', label: 'Policies' },
  { id: 'editor', label: 'Editor' },
  { id: 'diff', label: 'Diff' },
  { id: 'learn', label: 'Learn' },
];

export interface AppProps {
  input: AppInput;
  engine: EngineClient;
}

/** The shell: view switcher, the shown port, the check panel and the selection beside every view. */
export function App({ input: initial, engine }: AppProps) {
  const [state, update] = useViewState();
  const [input, setInput] = useState(initial);
  const [summary, setSummary] = useState<Summary>();
  const [matrix, setMatrix] = useState<MatrixBits>();
  // The generation whose summary the shown matrix answers (`data-matrix-generation`: the bench waits on it).
  const [matrixOf, setMatrixOf] = useState(0);
  const [lint, setLint] = useState<{ of: Summary; issues: IssueView[] }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const offRef = useRef(state.off);
  const editorOpened = useRef(false);
  if (state.view === 'editor') editorOpened.current = true;
  offRef.current = state.off;
  const editsRef = useRef(state.edits);
  editsRef.current = state.edits;

  // Bumped on every new summary: tests and the bench wait on it (`data-generation`).
  const [generation, setGeneration] = useState(0);
  const generationRef = useRef(0);
  const apply = useCallback((next: Summary) => {
    const g = ++generationRef.current;
    setSummary(next);
    setGeneration(g);
    // An edit's answer may carry the shown port's matrix: shown with the what-if, in one render.
    if (next.matrix) {
      setMatrix(next.matrix);
      setMatrixOf(g);
    }
    setError(undefined);
  }, []);

  // The Graph's modules, evaluated while the worker loads (a task apart from the page's script).
  useEffect(() => {
    const timer = setTimeout(() => void loadGraphView(), 0);
    return () => clearTimeout(timer);
  }, []);

  // An edit's or toggle's answer, once committed: timed to the frame that paints it (update-timing.ts).
  useLayoutEffect(() => {
    const arrival = summary && engine.arrivalOf(summary);
    if (!arrival) return;
    const committed = performance.now();
    requestAnimationFrame(() => {
      const framed = performance.now();
      const detail = updateBreakdown({ ...arrival, committed, framed });
      performance.measure(`${UPDATE_MEASURE}${arrival.op}`, { start: arrival.changed, end: framed, detail });
    });
  }, [engine, summary]);

  // Load (and reload when serve says the files changed), then re-apply the unsaved edits and
  // the toggles in the URL. The URL's edits are patches of the input they were made on: on a
  // reload they are the worker's edited texts instead, kept whole (a patch applied to a file
  // changed on disk lands at the wrong offsets). Loads run one after the other, so a reload
  // never reads the edits of a worker half way through the previous one.
  const loaded = useRef<AppInput | undefined>(undefined);
  const loading = useRef<Promise<unknown>>(Promise.resolve());
  const [loadNote, setLoadNote] = useState<string>();
  useEffect(() => {
    let cancelled = false;
    setBusy(true);
    const run = async () => {
      const before = loaded.current;
      loaded.current = input;
      const stale: string[] = [];
      const edited = before
        ? await engine.edited()
        : await decodeEdits(editsRef.current, input.files, stale).catch(() => []);
      let next = await engine.load(input);
      for (const file of edited) {
        if (next.fileNames.includes(file.name)) next = await engine.edit(file.name, file.text);
      }
      for (const policy of offRef.current) {
        const known = next.policies.some((p) => p.id === policy) || next.adminPolicies?.some((p) => p.id === policy);
        if (known) next = await engine.toggle(policy, false);
      }
      if (!cancelled) {
        apply(next);
        setLoadNote(before ? reloadWords(before, input, edited, next.fileNames) : staleLinkWords(stale));
      }
    };
    const done = loading.current.then(run);
    loading.current = done.catch(() => undefined);
    done.catch((e: Error) => setError(e.message)).finally(() => setBusy(false));
    return () => {
      cancelled = true;
    };
  }, [engine, input, apply]);

  useEffect(() => {
    if (input.mode !== 'serve') return;
    const events = new EventSource('./api/events');
    events.addEventListener('changed', () => {
      fetch('./api/input', { cache: 'no-store' })
        .then((r) => r.json())
        .then((next: AppInput) => setInput(next))
        .catch(() => undefined);
    });
    return () => events.close();
  }, [input.mode]);

  // With no port in the URL the first summary's preferred port stays the one shown: an edit
  // that makes another port the most named does not move the view under the user.
  const firstPreferred = useRef<string | undefined>(undefined);
  if (summary && firstPreferred.current === undefined) firstPreferred.current = summary.preferredPort;
  const port =
    summary &&
    ([state.port, firstPreferred.current, summary.preferredPort, summary.ports[0]].find(
      (p) => p !== undefined && summary.ports.includes(p),
    ) ??
      '80/TCP');
  // biome-ignore lint/correctness/useExhaustiveDependencies: generation moves with summary
  useEffect(() => {
    if (!summary || !port) return;
    const of = generation;
    // The summary came with this port's matrix (apply showed it; also when the port is chosen again).
    if (summary.matrix?.port === port) {
      setMatrix(summary.matrix);
      setMatrixOf(of);
      return;
    }
    let cancelled = false;
    engine.matrix(port).then(
      (bits) => {
        if (cancelled) return;
        setMatrix(bits);
        setMatrixOf(of);
      },
      (e: Error) => setError(e.message),
    );
    return () => {
      cancelled = true;
    };
  }, [engine, summary, port]);

  // Lint costs seconds on thousands of pods: asked after the first view shows, and on large
  // clusters only where it is read (the Editor).
  const wantLint = Boolean(summary) && (state.view === 'editor' || (summary?.endpoints.length ?? 0) <= 1500);
  // The worker lints in steps (a rule, or a bounded part of one: ≤ ~25 ms on 10k pods) and
  // answers an edit between steps, abandoning the stale lint (rejected; this effect asks again
  // for the new summary). On a large cluster lint still waits for a second without edits, so a
  // burst of what-ifs does not keep starting and abandoning it.
  const lintDelay = (summary?.endpoints.length ?? 0) > 1500 ? 1000 : 0;
  // Lints asked, answered and abandoned (`data-lint-asked`, `-answered`, `-stale`): the bench
  // checks that its edit during lint overlapped one. Set on the element, not as state: no render.
  const appRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!summary || !wantLint || lint?.of === summary) return;
    let cancelled = false;
    const count = (key: 'lintAsked' | 'lintAnswered' | 'lintStale') => {
      const data = appRef.current?.dataset;
      if (data) data[key] = String(Number(data[key] ?? 0) + 1);
    };
    const timer = setTimeout(() => {
      count('lintAsked');
      engine.lint().then(
        (issues) => {
          count('lintAnswered');
          if (!cancelled) setLint({ of: summary, issues });
        },
        () => count('lintStale'),
      );
    }, lintDelay);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [engine, summary, wantLint, lint, lintDelay]);
  const lintIssues = lint && lint.of === summary ? lint.issues : undefined;

  // Edits follow the summary into the fragment, so a share link carries them.
  useEffect(() => {
    if (!summary) return;
    let cancelled = false;
    // Patches of the input the worker has (a reload may have begun since).
    const base = loaded.current?.files ?? [];
    (summary.dirty.length === 0 ? Promise.resolve([]) : engine.patches())
      .then((p) => encodeEdits(p, base))
      .then(
        (edits) => !cancelled && edits !== editsRef.current && update({ edits }),
        () => undefined,
      );
    return () => {
      cancelled = true;
    };
  }, [engine, summary, update]);

  const toggle = useCallback(
    async (policy: string, enabled: boolean) => {
      const off = enabled ? offRef.current.filter((p) => p !== policy) : [...offRef.current, policy];
      const changed = performance.now();
      update({ off });
      apply(await engine.toggle(policy, enabled, changed));
    },
    [engine, update, apply],
  );

  const openCheck = useCallback(
    (from: string, to: string) => update({ from, to, checkPort: port ?? '' }),
    [update, port],
  );

  if (error && !summary) return <p role="alert">{error}</p>;
  if (!summary || !port) return <p aria-busy="true">Loading…</p>;
  const errors = summary.issues.filter((i) => i.severity === 'error').length;
  const warnings = (lintIssues ?? []).filter((i) => i.severity === 'warning').length;

  return (
    <div
      ref={appRef}
      className="app"
      data-generation={generation}
      data-port={matrix?.port}
      data-matrix-generation={matrixOf}
    >
      <header className="bar">
        <h1>netpol</h1>
        <nav aria-label="Views" className="views">
          {VIEWS.map((v) => (
            <button
              type="button"
              key={v.id}
              aria-current={state.view === v.id ? 'page' : undefined}
              onClick={() => update({ view: v.id })}
            >
              {v.label}
            </button>
          ))}
        </nav>
        <label className="port-choice">
          Show connections on{' '}
          <select value={port} onChange={(e) => update({ port: e.target.value })}>
            {summary.ports.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <span className="facts">
          {summary.endpoints.length} workloads · {summary.policies.length} policies
          {summary.adminPolicies && (
            <span> · {plural(summary.adminPolicies.length, 'admin tier policy', 'admin tier policies')}</span>
          )}
          {errors > 0 && <strong className="bad"> · {plural(errors, 'error')}</strong>}
          {warnings > 0 && <span> · {plural(warnings, 'lint warning')}</span>}
          {summary.dirty.length > 0 && <span> · unsaved edits</span>}
          {state.off.length > 0 && <span> · {plural(state.off.length, 'policy', 'policies')} off</span>}
          {busy && <span aria-busy="true"> · working…</span>}
        </span>
        <ShareButton />
      </header>
      {error && <p role="alert">{error}</p>}
      {loadNote && (
        <p role="alert" className="load-note">
          {loadNote}{' '}
          <button type="button" onClick={() => setLoadNote(undefined)}>
            Dismiss
          </button>
        </p>
      )}
      <main className="content">
        <section className="view" aria-label={VIEWS.find((v) => v.id === state.view)?.label}>
          {state.view === 'graph' && (
            <Suspense fallback={LOADING}>
              <GraphView summary={summary} matrix={matrix} state={state} update={update} />
            </Suspense>
          )}
          {state.view === 'matrix' && (
            <MatrixView
              summary={summary}
              matrix={matrix}
              state={state}
              update={update}
              onCell={openCheck}
              engine={engine}
            />
          )}
          {state.view === 'policies' && (
            <PoliciesView summary={summary} state={state} update={update} onToggle={toggle} engine={engine} />
          )}
          {/* Once opened, the editor stays mounted (hidden): its undo history survives a look at the matrix. */}
          {(state.view === 'editor' || editorOpened.current) && (
            <div hidden={state.view !== 'editor'}>
              <Suspense fallback={LOADING}>
                <EditorView
                  input={input}
                  summary={summary}
                  lint={lintIssues}
                  state={state}
                  update={update}
                  engine={engine}
                  onSummary={apply}
                />
              </Suspense>
            </div>
          )}
          {state.view === 'diff' && (
            <DiffPanel summary={summary} engine={engine} hasBase={Boolean(input.base)} mode={input.mode} />
          )}
          {state.view === 'learn' && (
            <Suspense fallback={LOADING}>
              <LearnView state={state} update={update} engine={engine} />
            </Suspense>
          )}
        </section>
        <aside className="side">
          <CheckPanel engine={engine} summary={summary} state={state} update={update} />
          <SelectionPanel engine={engine} summary={summary} state={state} update={update} />
        </aside>
      </main>
    </div>
  );
}

/**
 * Copies the page's URL (all state is in its fragment). Where the clipboard is refused (no
 * permission, a file:// page in some browsers) the link is shown, selected, to copy by hand:
 * a click must never do nothing.
 */
function ShareButton() {
  const [shown, setShown] = useState<'button' | 'copied' | 'field'>('button');
  const share = () => {
    const href = window.location.href;
    const copy = navigator.clipboard?.writeText(href) ?? Promise.reject(new Error('no clipboard'));
    copy.then(
      () => setShown('copied'),
      () => setShown('field'),
    );
  };
  if (shown === 'field') {
    return (
      <label className="share-field">
        Share link (copy it)
        <input
          readOnly
          value={window.location.href}
          // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked for the link
          autoFocus
          onFocus={(e) => e.currentTarget.select()}
          onBlur={() => setShown('button')}
        />
      </label>
    );
  }
  return (
    <button type="button" onClick={share} title="Copy a link that reproduces this view (all state is in the URL)">
      {shown === 'copied' ? 'Link copied' : 'Share link'}
    </button>
  );
}
