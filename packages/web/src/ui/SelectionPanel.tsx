import { useEffect, useState } from 'react';
import type { RuleView, SelectionView, Summary } from '../protocol.js';
import type { EngineClient } from './engine-client.js';
import type { ViewState } from './url-state.js';

export interface SelectionPanelProps {
  engine: EngineClient;
  summary: Summary;
  state: ViewState;
  update: (patch: Partial<ViewState>) => void;
}

/** A pod: the policies selecting it and the rules admitting traffic. A policy: its pods and peers. */
export function SelectionPanel({ engine, summary, state, update }: SelectionPanelProps) {
  const [view, setView] = useState<SelectionView>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new summary (an edit, a toggle) explains again
  useEffect(() => {
    const [kind, ...rest] = state.sel.split(':');
    const id = rest.join(':');
    if ((kind !== 'pod' && kind !== 'policy') || !id) {
      setView(undefined);
      return;
    }
    let cancelled = false;
    engine.select(kind, id).then(
      (v) => !cancelled && setView(v),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [engine, summary, state.sel]);

  if (!view) {
    return (
      <section className="panel selection">
        <h2>Selection</h2>
        <p>Click a workload in the Graph or a policy in Policies.</p>
      </section>
    );
  }
  const rule = (r: RuleView) => (
    <li key={`${r.policy}:${r.direction}:${r.index}`}>
      <button type="button" className="link" onClick={() => update({ sel: `policy:${r.policy}` })}>
        {r.policy}
      </button>{' '}
      spec.{r.direction}[{r.index}]{' '}
      {r.file && (
        <a
          href={`#view=editor&file=${encodeURIComponent(r.file)}&line=${r.line}`}
          onClick={(e) => {
            e.preventDefault();
            update({ view: 'editor', file: r.file, line: r.line });
          }}
        >
          ({r.file}:{r.line})
        </a>
      )}
      : {r.direction === 'ingress' ? 'from' : 'to'} {r.text} ({r.pods.length} pods)
    </li>
  );
  return (
    <section className="panel selection">
      <h2>Selection: {view.id}</h2>
      {view.kind === 'none' && <p>{view.message}</p>}
      {view.kind === 'pod' && (
        <>
          <p>
            <button type="button" onClick={() => update({ from: view.id })}>
              Set as source
            </button>{' '}
            <button type="button" onClick={() => update({ to: view.id })}>
              Set as destination
            </button>
          </p>
          {(['ingress', 'egress'] as const).map((d) => (
            <div key={d}>
              <h3>
                {d}: {view[d].isolated ? `isolated by ${view[d].selectedBy.join(', ')}` : 'not isolated (all allowed)'}
              </h3>
              {view[d].isolated && (
                <ul>{view[d].rules.length === 0 ? <li>no rule admits anything</li> : view[d].rules.map(rule)}</ul>
              )}
            </div>
          ))}
        </>
      )}
      {view.kind === 'policy' && (
        <>
          <p>
            Selects {view.selector}: {view.selects.length} pods
            {view.selects.length > 0 &&
              ` (${view.selects.slice(0, 12).join(', ')}${view.selects.length > 12 ? ', …' : ''})`}
          </p>
          {(['ingress', 'egress'] as const).map((d) => (
            <div key={d}>
              <h3>
                {d}: {view[d].isolates ? `isolates; ${view[d].rules.length} rules` : 'not isolated by this policy'}
              </h3>
              <ul>{view[d].rules.map(rule)}</ul>
            </div>
          ))}
        </>
      )}
    </section>
  );
}
