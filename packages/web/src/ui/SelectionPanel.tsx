import { type ReactNode, useEffect, useState } from 'react';
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
  const policyLink = (id: string) => (
    <button type="button" className="link" onClick={() => update({ sel: `policy:${id}` })}>
      {id}
    </button>
  );
  const podLinks = (ids: readonly string[]) => (
    <>
      {ids.slice(0, MAX_LINKS).map((id, i) => (
        <span key={id}>
          {i > 0 && ', '}
          <button type="button" className="link" onClick={() => update({ sel: `pod:${id}` })}>
            {id}
          </button>
        </span>
      ))}
      {ids.length > MAX_LINKS && ` and ${ids.length - MAX_LINKS} more`}
    </>
  );
  const rule = (r: RuleView) => (
    <li key={`${r.policy}:${r.direction}:${r.index}`}>
      {policyLink(r.policy)} spec.{r.direction}[{r.index}]{' '}
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
      : {r.direction === 'ingress' ? 'from' : 'to'} {r.text}
      <br />
      <span className="dim">
        {r.selects ? (
          <>
            for {r.selects.length === 1 ? '1 pod' : `${r.selects.length} pods`}: {podLinks(r.selects)}
          </>
        ) : (
          r.peers?.matches
        )}
      </span>
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
          {(['ingress', 'egress'] as const).map((d) => {
            const side = view[d];
            return (
              <div key={d}>
                <h3>
                  {d === 'ingress' ? 'Traffic to it' : 'Traffic from it'} ({d}):{' '}
                  {side.isolated ? (
                    <>
                      isolated by{' '}
                      {side.selectedBy.map((id, i) => (
                        <span key={id}>
                          {i > 0 && ', '}
                          {policyLink(id)}
                        </span>
                      ))}
                    </>
                  ) : (
                    `not isolated (no policy selects it for ${d}): ${d === 'ingress' ? 'any source may reach it' : 'it may reach any destination'} on every port`
                  )}
                </h3>
                {side.isolated && (
                  <>
                    <p>
                      {d === 'ingress' ? 'May be reached from' : 'May reach'} (union of these rules of its policies):
                    </p>
                    <ul>
                      {side.rules.length === 0 ? (
                        <li>
                          no rule admits anything: {d === 'ingress' ? 'nothing may reach it' : 'it may reach nothing'}{' '}
                          (except itself)
                        </li>
                      ) : (
                        side.rules.map(rule)
                      )}
                    </ul>
                    {side.leftOut > 0 && (
                      <p className="dim">
                        {side.leftOut === 1 ? '1 more rule' : `${side.leftOut} more rules`} of these policies admit
                        nothing {d === 'ingress' ? 'to' : 'from'} it (no pod or address matches, or a named port it
                        lacks): not shown.
                      </p>
                    )}
                  </>
                )}
                <p>
                  {d === 'ingress'
                    ? 'Rules of other policies that let their pods reach it (their egress):'
                    : 'Rules of other policies that admit it into their pods (their ingress):'}
                </p>
                <ul>{side.asPeer.length === 0 ? <li>none</li> : side.asPeer.map(rule)}</ul>
              </div>
            );
          })}
          {view.admin && <AdminTiers admin={view.admin} update={update} />}
        </>
      )}
      {view.kind === 'admin' && <AdminPolicy view={view} update={update} podLinks={podLinks} />}
      {view.kind === 'policy' && (
        <>
          <p>
            Selects {view.selector}: {view.selects.length === 1 ? '1 pod' : `${view.selects.length} pods`}
            {view.selects.length > 0 && ': '}
            {podLinks(view.selects)}
          </p>
          {(['ingress', 'egress'] as const).map((d) => (
            <div key={d}>
              <h3>
                {d}:{' '}
                {view[d].isolates
                  ? view[d].rules.length === 0
                    ? `isolates the selected pods and allows nothing (no rules: deny all ${d})`
                    : 'isolates the selected pods; allows what any rule admits:'
                  : `not affected (policyTypes lacks ${d === 'ingress' ? 'Ingress' : 'Egress'})`}
              </h3>
              <ul>{view[d].rules.map(rule)}</ul>
            </div>
          ))}
        </>
      )}
    </section>
  );
}

type AdminList = NonNullable<Extract<SelectionView, { kind: 'pod' }>['admin']>;

/** `(file:line)`, a link into the editor at that line. */
function SourceLink({ file, line, update }: { file?: string; line?: number; update: SelectionPanelProps['update'] }) {
  if (!file) return null;
  return (
    <a
      href={`#view=editor&file=${encodeURIComponent(file)}&line=${line}`}
      onClick={(e) => {
        e.preventDefault();
        update({ view: 'editor', file, line });
      }}
    >
      ({file}:{line})
    </a>
  );
}

/** An admin or baseline tier policy, as `netpol explain --policy cnp/NAME` words it. */
function AdminPolicy({
  view,
  update,
  podLinks,
}: {
  view: Extract<SelectionView, { kind: 'admin' }>;
  update: SelectionPanelProps['update'];
  podLinks: (ids: readonly string[]) => ReactNode;
}) {
  return (
    <>
      <p>
        {view.title} <SourceLink file={view.file} line={view.line} update={update} />{' '}
        <span className="dim">{view.tier}</span>
      </p>
      <p>
        Subject {view.subject}:{' '}
        {view.selects.length === 0 ? (
          'no pod in the input'
        ) : (
          <>
            {plural(view.selects.length)}: {podLinks(view.selects)}
          </>
        )}
      </p>
      {(['ingress', 'egress'] as const).map((d) => (
        <div key={d}>
          <h3>
            {d}: {view[d].words}
          </h3>
          <ul>
            {view[d].rules.map((r) => (
              <li key={r.index}>
                spec.{r.direction}[{r.index}] <SourceLink file={r.file} line={r.line} update={update} />
                {r.name ? ` "${r.name}"` : ''}: {r.text}
                <br />
                <span className="dim">{r.matches}</span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </>
  );
}

/** `1 pod`, `2 pods` (core's podListWords, with the pods as links). */
function plural(n: number): string {
  return n === 1 ? '1 pod' : `${n} pods`;
}

/** The admin tiers as `netpol explain --pod` lists them: consulted in order, NetworkPolicies between. */
function AdminTiers({ admin, update }: { admin: AdminList; update: SelectionPanelProps['update'] }) {
  if (admin.length === 0) {
    return <h3>Admin tiers: no ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy selects it</h3>;
  }
  const item = (p: AdminList[number]) => (
    <li key={`${p.tier}:${p.name}`}>
      {p.tier}{' '}
      <button type="button" className="link" onClick={() => update({ sel: `policy:${p.id}` })}>
        {p.name}
      </button>{' '}
      {p.file && (
        <a
          href={`#view=editor&file=${encodeURIComponent(p.file)}&line=${p.line}`}
          onClick={(e) => {
            e.preventDefault();
            update({ view: 'editor', file: p.file, line: p.line });
          }}
        >
          ({p.file}:{p.line})
        </a>
      )}
      : <span className="dim">{p.rules}</span>
    </li>
  );
  return (
    <div>
      <h3>
        Admin tiers, consulted in this order per direction (the first matching rule decides; Pass moves on to the next
        tier):
      </h3>
      <ul>
        {admin.filter((p) => p.tier === 'admin').map(item)}
        <li className="dim">
          then the NetworkPolicies above, final where they isolate it
          {admin.some((p) => p.tier === 'baseline') ? '; then:' : ''}
        </li>
        {admin.filter((p) => p.tier === 'baseline').map(item)}
      </ul>
    </div>
  );
}

/** Pod lists name this many, then "and N more". */
const MAX_LINKS = 24;
