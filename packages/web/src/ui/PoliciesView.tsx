import { useMemo, useRef, useState } from 'react';
import type { AdminPolicyView, PolicyView, Summary } from '../protocol.js';
import type { EngineClient } from './engine-client.js';
import type { ViewState } from './url-state.js';

export interface PoliciesViewProps {
  summary: Summary;
  state: ViewState;
  update: (patch: Partial<ViewState>) => void;
  onToggle: (policy: string, enabled: boolean) => void;
  engine: EngineClient;
}

/** Above this many policies only the rows in sight are drawn (2,000 rows cost the page a long task). */
export const WINDOWED_FROM = 300;
const ROW_HEIGHT = 30;
const WINDOW_HEIGHT = 600;
/** Rows drawn above and below the visible ones, so scrolling never shows a gap. */
const OVERSCAN = 10;

/** Every policy: click to see what it selects and admits; untick to see what removing it changes. */
export function PoliciesView({ summary, state, update, onToggle, engine }: PoliciesViewProps) {
  const open = (policy: string) =>
    engine.locate(policy).then((at) => at && update({ view: 'editor', file: at.file, line: at.line }));
  const [filter, setFilter] = useState('');
  const [top, setTop] = useState(0);
  const scroller = useRef<HTMLElement>(null);
  const windowed = summary.policies.length > WINDOWED_FROM;
  const shown = useMemo(
    () => (filter ? summary.policies.filter((p) => p.id.includes(filter)) : summary.policies),
    [summary.policies, filter],
  );
  const off = useMemo(() => new Set(state.off), [state.off]);
  // Clamped: a filter shrinks the list before the scroll position follows.
  const inSight = Math.ceil(WINDOW_HEIGHT / ROW_HEIGHT);
  const first = windowed ? Math.max(0, Math.min(Math.floor(top / ROW_HEIGHT), shown.length - inSight) - OVERSCAN) : 0;
  const last = windowed
    ? Math.min(shown.length, Math.ceil((top + WINDOW_HEIGHT) / ROW_HEIGHT) + OVERSCAN)
    : shown.length;
  const row = (p: PolicyView) => (
    <tr
      key={p.id}
      className={state.sel === `policy:${p.id}` ? 'selected' : undefined}
      style={windowed ? { height: ROW_HEIGHT } : undefined}
    >
      <EnabledCell id={p.id} enabled={!off.has(p.id)} onToggle={onToggle} />
      <PolicyCells id={p.id} file={p.file} update={update} open={open} />
    </tr>
  );
  const table = (
    <table aria-rowcount={windowed ? shown.length + 1 : undefined}>
      <thead>
        <tr>
          <th scope="col">On</th>
          <th scope="col">Policy</th>
          <th scope="col">Source</th>
        </tr>
      </thead>
      <tbody>
        {first > 0 && <tr className="spacer" style={{ height: first * ROW_HEIGHT }} />}
        {shown.slice(first, last).map(row)}
        {last < shown.length && <tr className="spacer" style={{ height: (shown.length - last) * ROW_HEIGHT }} />}
      </tbody>
    </table>
  );
  return (
    <div className="policies-view">
      <p className="legend">
        Untick a policy to try the cluster without it (what-if: the Matrix outlines what that opens and closes; the Diff
        view lists it). Nothing is written.
      </p>
      {summary.adminPolicies && (
        <AdminPolicies policies={summary.adminPolicies} state={state} update={update} onToggle={onToggle} open={open} />
      )}
      {summary.adminPolicies && <h2>NetworkPolicies</h2>}
      {summary.policies.length === 0 && <p>No NetworkPolicy in the input.</p>}
      {windowed && (
        <label>
          Filter policies{' '}
          <input
            type="search"
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value);
              setTop(0);
              scroller.current?.scrollTo(0, 0);
            }}
            placeholder="namespace/name"
          />{' '}
          {shown.length} of {summary.policies.length}
        </label>
      )}
      {windowed ? (
        // Only the rows in sight are in the page: a long list scrolls here, not the page (its
        // checkboxes make it reachable by keyboard).
        <section
          ref={scroller}
          className="policies-window"
          style={{ height: WINDOW_HEIGHT, overflowY: 'auto' }}
          onScroll={(e) => setTop(e.currentTarget.scrollTop)}
          aria-label="Policies, scrollable"
        >
          {table}
        </section>
      ) : (
        table
      )}
    </div>
  );
}

/**
 * The admin and baseline tier policies (ClusterNetworkPolicy, AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy), in the order they are consulted: the admin tier before every
 * NetworkPolicy, the baseline tier after (docs/admin-tiers.md). A few per cluster: never windowed.
 */
function AdminPolicies({
  policies,
  state,
  update,
  onToggle,
  open,
}: {
  policies: readonly AdminPolicyView[];
  state: ViewState;
  update: (patch: Partial<ViewState>) => void;
  onToggle: (policy: string, enabled: boolean) => void;
  open: (policy: string) => void;
}) {
  const off = new Set(state.off);
  return (
    <>
      <h2>Admin tiers</h2>
      <p className="legend">
        Consulted in this order for each direction: the admin tier, then the NetworkPolicies (final where they isolate a
        pod), then the baseline tier; the first rule that matches decides, Pass moves on to the next tier.
      </p>
      <table className="admin-policies">
        <thead>
          <tr>
            <th scope="col">On</th>
            <th scope="col">Tier</th>
            <th scope="col">Priority</th>
            <th scope="col">Policy</th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {policies.map((p) => (
            <tr key={p.id} className={state.sel === `policy:${p.id}` ? 'selected' : undefined}>
              <EnabledCell id={p.id} enabled={!off.has(p.id)} onToggle={onToggle} />
              <td>{p.tier}</td>
              <td>{p.priority ?? '—'}</td>
              <PolicyCells id={p.id} file={p.file} update={update} open={open} />
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** A policy row's checkbox: unticked, the policy is left out (what-if). */
function EnabledCell({
  id,
  enabled,
  onToggle,
}: {
  id: string;
  enabled: boolean;
  onToggle: (policy: string, enabled: boolean) => void;
}) {
  return (
    <td>
      <input
        type="checkbox"
        checked={enabled}
        aria-label={`enabled: ${id}`}
        onChange={(e) => onToggle(id, e.target.checked)}
      />
    </td>
  );
}

/** A policy row's name (selects it) and source file (opens it in the editor). */
function PolicyCells({
  id,
  file,
  update,
  open,
}: {
  id: string;
  file: string | undefined;
  update: (patch: Partial<ViewState>) => void;
  open: (policy: string) => void;
}) {
  return (
    <>
      <td>
        <button type="button" className="link" onClick={() => update({ sel: `policy:${id}` })}>
          {id}
        </button>
      </td>
      <td>
        {file && (
          <button type="button" className="link" onClick={() => open(id)}>
            {file}
          </button>
        )}
      </td>
    </>
  );
}
