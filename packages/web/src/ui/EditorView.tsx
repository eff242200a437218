import { yaml } from '@codemirror/lang-yaml';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { EditorView as CodeMirror } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useMemo, useRef, useState } from 'react';
import { patchOf } from '../engine/edit-patch.js';
import type { AppInput, IssueView, Summary } from '../protocol.js';
import { editSender } from './doc-edit.js';
import { type MarksShown, marksToSet } from './editor-marks.js';
import { schemeTheme, setSchemeTheme } from './editor-theme.js';
import type { EngineClient } from './engine-client.js';
import { problemRows } from './problem-rows.js';
import { QUICK_FIXES } from './quick-fixes.js';
import { useColorScheme } from './theme.js';
import type { ViewState } from './url-state.js';

export interface EditorViewProps {
  input: AppInput;
  summary: Summary;
  /** Lint findings of this summary (undefined while they are computed). */
  lint: IssueView[] | undefined;
  state: ViewState;
  update: (patch: Partial<ViewState>) => void;
  engine: EngineClient;
  onSummary: (summary: Summary) => void;
}

/**
 * A report's text: not editable, and said so to assistive tech (readOnly alone left it
 * contenteditable, a textbox announced as editable). Still focusable, so the keyboard selects
 * and copies as the mouse does; lint marks are shown as in serve.
 */
const readOnly = [
  EditorState.readOnly.of(true),
  CodeMirror.editable.of(false),
  CodeMirror.contentAttributes.of({ 'aria-readonly': 'true', tabindex: '0' }),
];

/**
 * The input files in CodeMirror, validation errors and lint findings at their lines, quick
 * fixes for the seeds' traps. Every edit recomputes in the worker (what-if); nothing is
 * written until Save (and only `netpol serve` can save).
 */
export function EditorView({ input, summary, lint, state, update, engine, onSummary }: EditorViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<CodeMirror | null>(null);
  const [saved, setSaved] = useState<string>();
  // The texts the last Save wrote, while "Saved." is shown: it goes once the open file's text
  // differs from them (compared at the first edit after, not at every keystroke).
  const savedTexts = useRef<Map<string, string> | undefined>(undefined);
  const unsavedAgain = (name: string, doc: Text) => {
    // The text made only while "Saved." is shown: a 3 MB string at every keystroke otherwise.
    if (!savedTexts.current || savedTexts.current.get(name) === doc.toString()) return;
    savedTexts.current = undefined;
    setSaved(undefined);
  };
  const [showAll, setShowAll] = useState(false);
  // With none chosen, the first file with a policy: what a user comes to edit (the first file
  // by name is often a namespace list, or an example's expect.yaml that is not Kubernetes).
  const file = summary.fileNames.includes(state.file)
    ? state.file
    : (summary.policies.find((p) => p.file && summary.fileNames.includes(p.file))?.file ?? summary.fileNames[0]);
  // The editor exists once its file's text came from the worker (issues wait for it).
  const [ready, setReady] = useState<string>();
  const validation = useMemo(() => summary.issues.filter((i) => i.file === file), [summary.issues, file]);
  const lintOfFile = useMemo(() => lint?.filter((i) => i.file === file), [lint, file]);
  const issues = useMemo(() => [...validation, ...(lintOfFile ?? [])], [validation, lintOfFile]);
  // The marks in the editor now (editor-marks.ts); none for a new editor.
  const marks = useRef<MarksShown | undefined>(undefined);
  // The last lint findings, kept as hidden rows while the next lint runs (problem-rows.ts).
  const lastLint = useRef<IssueView[]>([]);
  if (lint) lastLint.current = lint;
  const rows = useMemo(
    () => problemRows(issues, lint ? [] : lastLint.current.filter((i) => i.file === file), showAll ? Infinity : LISTED),
    [issues, lint, file, showAll],
  );
  const latest = useRef({ engine, onSummary });
  latest.current = { engine, onSummary };
  // An edit goes to the worker at once, with no pause for typing to stop, as CodeMirror's
  // changes (not the file's text); while one is being computed, the later ones wait composed
  // into one (doc-edit.ts).
  const [send] = useState(() =>
    editSender((edit) => {
      const { engine: e, onSummary: done } = latest.current;
      return e.editDoc(edit).then(done);
    }),
  );

  // The system's scheme: read when an editor is made, swapped into it when it changes.
  const scheme = useColorScheme();
  const colorScheme = useRef(scheme);
  useEffect(() => {
    colorScheme.current = scheme;
    if (view.current) setSchemeTheme(view.current, scheme);
  }, [scheme]);

  // serve re-read the open file (changed on disk) while it was not edited here: the editor is
  // made again with the new text, or it would show (and an edit would send back) the old one.
  // An edited file keeps the user's text (App puts it back over the new input).
  const inputText = input.files.find((f) => f.name === file)?.text;
  const shownInput = useRef(inputText);
  const [reread, setReread] = useState(0);
  useEffect(() => {
    const before = shownInput.current;
    shownInput.current = inputText;
    const editor = view.current;
    if (before === inputText || !editor || ready !== file) return;
    if (editor.state.doc.toString() === before) setReread((n) => n + 1);
  }, [inputText, ready, file]);

  // One editor per file, recreated when another file is opened; an edited file's text is
  // asked of the worker once per file (summaries carry no texts: megabytes on a 10k-pod
  // cluster). An unedited one is the input's: the page keeps it anyway, and the editor's lines
  // are read from it, where the worker's copy was one more 3 MB text kept as long as the editor.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    if (!host.current || !file) return;
    const name = file;
    const parent = host.current;
    let editor: CodeMirror | undefined;
    let cancelled = false;
    // After the file's edits still on their way (a file switched away from and back while one
    // was computed): else the editor is made of the text before them and the next edit,
    // sent whole from it, drops them.
    send
      .idle(name)
      .then(() => {
        const edited = summary.dirty.includes(name) || engine.editedSinceInput(name);
        const unedited = edited ? undefined : input.files.find((f) => f.name === name)?.text;
        return unedited === undefined ? engine.text(name) : unedited;
      })
      .then(
        (text) => {
          if (cancelled) return;
          editor = createEditor(parent, name, text ?? '');
          engine.opened(name, text ?? '', editor.state.doc);
          view.current = editor;
          marks.current = undefined;
          setReady(name);
        },
        () => undefined,
      );
    return () => {
      cancelled = true;
      editor?.destroy();
      view.current = null;
      setReady(undefined);
    };
  }, [file, input.mode, reread]);

  function createEditor(parent: HTMLElement, name: string, text: string): CodeMirror {
    const editor = new CodeMirror({
      parent,
      state: EditorState.create({
        doc: text,
        extensions: [
          basicSetup,
          ...(text.length <= HIGHLIGHTED ? [yaml()] : []),
          lintGutter(),
          schemeTheme(colorScheme.current),
          ...(input.mode === 'report' ? readOnly : []),
          CodeMirror.contentAttributes.of({ 'aria-label': `YAML of ${name}` }),
          CodeMirror.updateListener.of((u) => {
            if (u.docChanged) {
              const changed = performance.now();
              send({ file: name, before: u.startState.doc, changes: u.changes, after: u.state.doc, changed });
              unsavedAgain(name, u.state.doc);
            }
          }),
        ],
      }),
    });
    // The scroller is a scroll region: reachable by keyboard (axe: scrollable-region-focusable);
    // a report's text is focusable itself (readOnly): one stop is enough.
    if (input.mode === 'report') return editor;
    editor.scrollDOM.tabIndex = 0;
    editor.scrollDOM.setAttribute('aria-label', `${name}, scrollable`);
    return editor;
  }

  // Diagnostics follow every recompute; while an edit's lint is computed, the marks shown stay
  // on their text (editor-marks.ts).
  useEffect(() => {
    const editor = view.current;
    if (!editor || ready !== file) return;
    const next = marksToSet(marks.current, validation, lintOfFile);
    if (!next) return;
    marks.current = next;
    const length = editor.state.doc.length;
    const diagnostics: Diagnostic[] = [...next.validation, ...(next.lint ?? [])].map((issue) =>
      toDiagnostic(issue, length, editor),
    );
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [validation, lintOfFile, ready, file]);

  // Jump to a cited line (reason links, issue list).
  useEffect(() => {
    const editor = view.current;
    if (!editor || ready !== file || !state.line || state.line > editor.state.doc.lines) return;
    const line = editor.state.doc.line(state.line);
    editor.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
  }, [state.line, ready, file]);

  const save = async () => {
    const files = await engine.edited();
    const response = await fetch('./api/save', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files }),
    });
    if (!response.ok) {
      savedTexts.current = undefined;
      setSaved(`Not saved: ${await response.text()}`);
      return;
    }
    savedTexts.current = new Map(files.map((f) => [f.name, f.text]));
    setSaved('Saved.');
    // Typed while the save was on its way: not what was saved.
    const editor = view.current;
    if (editor && file && savedTexts.current.has(file)) unsavedAgain(file, editor.state.doc);
  };

  // The worker drops every edit; the open editor must show the text it now judges. Putting
  // that text in is an edit like any other: it is sent, and as the newest it replaces any
  // edit still waiting to be sent (which would otherwise bring the dropped text back).
  const revertAll = async () => {
    onSummary(await engine.revert());
    const editor = view.current;
    if (!editor || !file) return;
    const text = (await engine.text(file)) ?? '';
    if (editor !== view.current) return;
    const { from, to, insert } = patchOf(file, editor.state.doc.toString(), text);
    if (from < to || insert) editor.dispatch({ changes: { from, to, insert } });
  };

  if (!file) return <p>No input files.</p>;
  return (
    <div className="editor-view">
      <div className="toolbar">
        <label>
          File
          <select value={file} onChange={(e) => update({ file: e.target.value, line: 0 })}>
            {summary.fileNames.map((f) => (
              <option key={f} value={f}>
                {f}
                {summary.dirty.includes(f) ? ' (edited)' : ''}
              </option>
            ))}
          </select>
        </label>
        {input.canSave && (
          <button type="button" onClick={save} disabled={summary.dirty.length === 0}>
            Save
          </button>
        )}
        <button
          type="button"
          disabled={summary.dirty.length === 0}
          onClick={revertAll}
          title="Drop every unsaved edit and toggle"
        >
          Revert all
        </button>
        {saved && <span role="status">{saved}</span>}
        {input.mode === 'report' && <span>read-only report</span>}
        {input.mode === 'serve' && !input.canSave && (
          <span>nothing here can be saved (a live cluster, stdin or git:): edits are what-if only</span>
        )}
      </div>
      <div ref={host} className="editor-host" />
      <h2 className="sub">
        Problems in {file}
        {lint === undefined && ' (lint running…)'}
      </h2>
      <ul className="issues" aria-label="Problems">
        {issues.length === 0 && <li>none</li>}
        {rows.map(({ issue, key, hidden }) => (
          <li key={key} className={`issue ${issue.severity}`} hidden={hidden}>
            <button type="button" className="link" onClick={() => update({ line: issue.line ?? 1 })}>
              {file}:{issue.line ?? 1}:{issue.col ?? 1}
            </button>{' '}
            <strong className={`sev-${issue.severity}`}>{issue.severity}</strong> {issue.code}:{' '}
            {issue.path && `${issue.path}: `}
            {issue.message}
            {QUICK_FIXES[issue.code] && view.current && input.mode !== 'report' && (
              <>
                {' '}
                <button type="button" onClick={() => view.current && applyFix(view.current, issue)}>
                  {QUICK_FIXES[issue.code]?.label}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {!showAll && issues.length > LISTED && (
        <p>
          {issues.length - LISTED} more problems are marked in the editor's gutter.{' '}
          <button type="button" onClick={() => setShowAll(true)}>
            List all {issues.length}
          </button>
        </p>
      )}
    </div>
  );
}

/**
 * Longer texts are edited without the YAML language (no highlighting, no folding): its parser
 * reads from the top of the file to the lines shown, in slices of 100 ms of the page's main
 * thread, for seconds after a jump into a 3 MB file, and the worker's what-if answer waits
 * behind each slice.
 */
const HIGHLIGHTED = 1_000_000;

/** Problems listed at first: a 10k-pod file has hundreds of lint findings, one long task to draw. */
const LISTED = 200;

function applyFix(editor: CodeMirror, issue: IssueView): boolean {
  const fix = QUICK_FIXES[issue.code];
  if (!fix || issue.from === undefined) return false;
  const text = editor.state.doc.toString();
  const next = fix.apply(text, issue.from);
  if (next === undefined) return false;
  // The span the fix changed, not the whole text: a small edit (sent as such), marks kept around it.
  const { from, to, insert } = patchOf('', text, next);
  editor.dispatch({ changes: { from, to, insert } });
  return true;
}

function toDiagnostic(issue: IssueView, length: number, editor: CodeMirror): Diagnostic {
  const from = Math.min(issue.from ?? 0, length);
  const fix = QUICK_FIXES[issue.code];
  return {
    from,
    to: Math.min(Math.max(issue.to ?? from, from), length),
    severity: issue.severity === 'error' ? 'error' : issue.severity === 'warning' ? 'warning' : 'info',
    source: issue.code,
    message: `${issue.path ? `${issue.path}: ` : ''}${issue.message}`,
    // At the mark's position now: CodeMirror maps it through the edits made since.
    actions:
      fix && !editor.state.readOnly
        ? [{ name: fix.label, apply: (_view, from) => void applyFix(editor, { ...issue, from }) }]
        : undefined,
  };
}
