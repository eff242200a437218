import { plural } from '@netpol/core/format';
import { useEffect, useState } from 'react';
import type { ConnectionChangeView, DiffExportFormat, DiffView, Summary } from '../protocol.js';
import { download } from './download.js';
import type { EngineClient } from './engine-client.js';

export interface DiffPanelProps {
  summary: Summary;
  engine: EngineClient;
  hasBase: boolean;
  mode: 'serve' | 'report';
}

/** What changes open and close: against `--base`, and your unsaved edits against the input. */
export function DiffPanel({ summary, engine, hasBase, mode }: DiffPanelProps) {
  const [base, setBase] = useState<DiffView | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new summary (an edit, a reload) diffs again
  useEffect(() => {
    if (!hasBase) return;
    let cancelled = false;
    engine.diffBase().then(
      (d) => !cancelled && setBase(d),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [engine, summary, hasBase]);
  const save = async (format: DiffExportFormat) => {
    const text = await engine.exportDiff(format);
    if (text !== null)
      download(`netpol-diff.${format}`, text, format === 'json' ? 'application/json' : 'text/markdown');
  };
  return (
    <div className="diff-view">
      <h2 className="sub">Your edits (what-if)</h2>
      <EditErrors summary={summary} />
      {summary.whatIf ? <Changes diff={summary.whatIf} /> : <p>No edits: edit a file or untick a policy.</p>}
      <h2 className="sub">Against the base</h2>
      {!hasBase && (
        <p>
          {mode === 'report'
            ? 'This report holds one version: netpol diff BASE HEAD -o md compares two (netpol serve --base PATH shows it here).'
            : 'Start netpol serve with --base PATH to compare two versions.'}
        </p>
      )}
      {hasBase && base && (
        <>
          <div className="toolbar">
            <span>As netpol diff BASE HEAD prints it:</span>
            <button type="button" onClick={() => save('md')}>
              Save diff as Markdown
            </button>
            <button type="button" onClick={() => save('json')}>
              Save diff as JSON
            </button>
          </div>
          <Changes diff={base} />
        </>
      )}
    </div>
  );
}

/**
 * Errors in the edited files: the objects they are in are left out of the edited version, so
 * the what-if below counts them as removed (a policy with a typo "opens" what it isolated).
 */
function EditErrors({ summary }: { summary: Summary }) {
  const errors = summary.issues.filter((i) => i.severity === 'error' && summary.dirty.includes(i.file));
  if (errors.length === 0) return null;
  const where = errors
    .slice(0, 5)
    .map((i) => `${i.file}${i.line ? `:${i.line}` : ''}`)
    .join(', ');
  return (
    <p className="edit-errors" role="note">
      <strong>
        Your edits leave {plural(errors.length, 'error')} ({where}
        {errors.length > 5 ? ', …' : ''})
      </strong>
      : the objects with errors are left out, so below they count as removed. The Editor shows each at its line.
    </p>
  );
}

function Changes({ diff }: { diff: DiffView }) {
  const list = (items: ConnectionChangeView[], word: string) => (
    <ul>
      {items.length === 0 && <li>nothing {word}</li>}
      {items.slice(0, 500).map((c) => (
        <li key={`${c.from}>${c.to}/${c.protocol}`}>
          {word === 'opened' ? '+ ' : '− '}
          {c.from} → {c.to} {c.ports}
        </li>
      ))}
      {items.length > 500 && <li>and {items.length - 500} more</li>}
    </ul>
  );
  const p = diff.policies;
  return (
    <>
      <p>
        Policies: {p.added.length} added, {p.removed.length} removed, {p.changed.length} changed
        {[...p.added.map((x) => `+${x}`), ...p.removed.map((x) => `−${x}`), ...p.changed.map((x) => `~${x}`)]
          .slice(0, 20)
          .map((x) => ` ${x}`)}
      </p>
      {diff.unanalyzed && diff.unanalyzed.length > 0 && (
        <div className="unanalyzed" role="note">
          <p>
            <strong>Not analyzed, yet different between the versions</strong> (render Helm charts and kustomizations,
            then diff the output; other engines' policies are not evaluated): what they open or close is not below.
          </p>
          <ul>
            {diff.unanalyzed.map((u) => (
              <li key={`${u.change}:${u.file}:${u.what}`}>
                {u.change} {u.file}: {u.what}
              </li>
            ))}
          </ul>
        </div>
      )}
      <h3>Opened ({diff.opened.length})</h3>
      {list(diff.opened, 'opened')}
      <h3>Closed ({diff.closed.length})</h3>
      {list(diff.closed, 'closed')}
    </>
  );
}
