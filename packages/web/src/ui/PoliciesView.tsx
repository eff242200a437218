import type { Summary } from '../protocol.js';
import type { EngineClient } from './engine-client.js';
import type { ViewState } from './url-state.js';

export interface PoliciesViewProps {
  summary: Summary;
  state: ViewState;
  update: (patch: Partial<ViewState>) => void;
  onToggle: (policy: string, enabled: boolean) => void;
  engine: EngineClient;
}

/** Every policy: click to see what it selects and admits; untick to see what removing it changes. */
export function PoliciesView({ summary, state, update, onToggle, engine }: PoliciesViewProps) {
  const open = (policy: string) =>
    engine.locate(policy).then((at) => at && update({ view: 'editor', file: at.file, line: at.line }));
  return (
    <div className="policies-view">
      <p className="legend">
        Untick a policy to try the cluster without it (what-if: the Matrix outlines what that opens and closes; the Diff
        view lists it). Nothing is written.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">On</th>
            <th scope="col">Policy</th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {summary.policies.map((p) => (
            <tr key={p.id} className={state.sel === `policy:${p.id}` ? 'selected' : undefined}>
              <td>
                <input
                  type="checkbox"
                  checked={!state.off.includes(p.id)}
                  aria-label={`enabled: ${p.id}`}
                  onChange={(e) => onToggle(p.id, e.target.checked)}
                />
              </td>
              <td>
                <button type="button" className="link" onClick={() => update({ sel: `policy:${p.id}` })}>
                  {p.id}
                </button>
              </td>
              <td>
                {p.file && (
                  <button type="button" className="link" onClick={() => open(p.id)}>
                    {p.file}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
