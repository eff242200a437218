import type { Summary } from '../protocol.js';
import type { ViewState } from './url-state.js';

export interface PoliciesViewProps {
  summary: Summary;
  state: ViewState;
  update: (patch: Partial<ViewState>) => void;
  onToggle: (policy: string, enabled: boolean) => void;
}

/** Every policy: click to see what it selects and admits; untick to see what removing it changes. */
export function PoliciesView({ summary, state, update, onToggle }: PoliciesViewProps) {
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
                  checked={p.enabled}
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
                  <a
                    href={`#view=editor&file=${encodeURIComponent(p.file)}&line=${p.line}`}
                    onClick={(e) => {
                      e.preventDefault();
                      update({ view: 'editor', file: p.file, line: p.line });
                    }}
                  >
                    {p.file}:{p.line}
                  </a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
