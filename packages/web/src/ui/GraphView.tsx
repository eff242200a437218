import { plural } from '@netpol/core/format';
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { useEffect, useMemo, useRef } from 'react';
import type { MatrixBits, Summary } from '../protocol.js';
import { download } from './download.js';
import { FIRST_BATCH, nextBatchSize } from './graph-batches.js';
import { buildGraph, fitViewport, graphToSvg, MAX_EDGES, MAX_NODES } from './graph-model.js';
import { themeColors, useColorScheme } from './theme.js';
import type { ViewState } from './url-state.js';

export interface GraphViewProps {
  summary: Summary;
  matrix: MatrixBits | undefined;
  state: ViewState;
  update: (patch: Partial<ViewState>) => void;
}

/** Up to this many elements are added to cytoscape in one task; more in batches, one a frame (graph-batches.ts). */
const AT_ONCE = 60;

declare global {
  interface Window {
    /** The Graph view's cytoscape instance (public API), for the browser tests; absent when no graph is shown. */
    netpolGraph?: Core;
  }
}

/** Handed deliberately to the browser tests, which tap nodes and read their classes through cytoscape's API. */
function exposeGraph(instance: Core | undefined): void {
  if (instance) window.netpolGraph = instance;
  else delete window.netpolGraph;
}

/** Highlights the selected workload (classes in one batch: no redraw of the graph). */
function showSelection(instance: Core, sel: string): void {
  instance.batch(() => {
    instance.nodes('.sel-yes').removeClass('sel-yes').addClass('sel-no');
    if (sel.startsWith('pod:')) instance.getElementById(sel.slice(4)).removeClass('sel-no').addClass('sel-yes');
  });
}

const CHANGE_MARK: Record<string, string> = { opened: '+', closed: '−', '': '' };

/** Namespaces as boxes, workloads as nodes, the shown port's allowed connections as arrows. */
export function GraphView({ summary, matrix, state, update }: GraphViewProps) {
  const box = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  const model = useMemo(
    () =>
      buildGraph(
        summary.endpoints,
        matrix,
        { q: state.q, ns: state.ns, caption: state.caption, edges: state.edges },
        summary.whatIf,
      ),
    [summary.endpoints, matrix, state.q, state.ns, state.caption, state.edges, summary.whatIf],
  );
  // Read when the graph is drawn; a change of selection alone restyles two nodes (a redraw
  // of a 10k-pod graph costs ~200 ms a click).
  const selected = useRef(state.sel);
  selected.current = state.sel;
  const labelKeys = useMemo(
    () => [...new Set(summary.endpoints.flatMap((e) => Object.keys(e.labels)))].sort(),
    [summary.endpoints],
  );

  // Drawn again in the other scheme's colours when the system's changes.
  const scheme = useColorScheme();

  useEffect(() => {
    // Drawn once the connections are known: drawing the nodes first, then again with the
    // edges, costs a 10k-pod page two long tasks.
    const container = box.current;
    if (!container || !matrix) return;
    const colors = themeColors();
    container.dataset.scheme = scheme;
    const elements: ElementDefinition[] = [
      ...model.namespaces.map((ns) => ({
        data: { id: ns.id, label: model.collapsed ? `${ns.name} (${ns.count})` : ns.name },
        position: { x: ns.x, y: ns.y },
        classes: model.collapsed ? 'namespace collapsed' : 'namespace',
      })),
      ...model.nodes.map((n) => ({
        data: { id: n.id, parent: `ns:${n.namespace}`, label: n.caption },
        position: { x: n.x, y: n.y },
        classes: [
          n.endpoint.ingressIsolated ? 'iso-in' : '',
          n.endpoint.egressIsolated ? 'iso-out' : '',
          `sel-${selected.current === `pod:${n.id}` ? 'yes' : 'no'}`,
        ].join(' '),
      })),
      ...model.edges.map((e) => ({
        data: {
          id: e.id,
          source: e.source,
          target: e.target,
          label: e.count ? String(e.count) : CHANGE_MARK[e.change ?? ''],
        },
        classes: e.change ?? '',
      })),
    ];
    // Small graphs are drawn in one go. Large ones in batches, one a frame (namespaces, then
    // workloads, then edges: an element comes after its parent and its ends): cytoscape styles,
    // measures and draws what it adds in the frame's task, and hundreds of elements at once
    // make a long task on a busy machine.
    const batched = elements.length > AT_ONCE;
    const instance = cytoscape({
      container,
      elements: batched ? [] : elements,
      // The viewport from the model's positions, not cytoscape's fit (which measures every
      // element's box in one task first).
      layout: { name: 'preset', fit: false },
      ...fitViewport(model, container.clientWidth, container.clientHeight),
      textureOnViewport: model.nodes.length > 500,
      hideEdgesOnViewport: model.edges.length > 300,
      pixelRatio: model.nodes.length > 2000 ? 1 : 'auto',
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'text-wrap': 'wrap',
            // Zoomed out over thousands of nodes, unreadable labels are not drawn.
            'min-zoomed-font-size': 7,
            'text-valign': 'bottom',
            'font-size': 10,
            color: colors.text,
            'background-color': colors.node,
            'border-color': colors.text,
            'border-width': 1,
            width: 22,
            height: 22,
          },
        },
        { selector: 'node.iso-in', style: { shape: 'round-rectangle', 'border-width': 3 } },
        { selector: 'node.iso-out', style: { 'border-style': 'double', 'border-width': 4 } },
        { selector: 'node.sel-yes', style: { 'background-color': colors.accent } },
        {
          selector: 'node.collapsed',
          style: { shape: 'round-rectangle', width: 60, height: 30, 'font-weight': 'bold', 'background-opacity': 0.3 },
        },
        {
          selector: ':parent',
          style: {
            label: 'data(label)',
            'text-valign': 'top',
            'font-weight': 'bold',
            'background-opacity': 0.06,
            'border-color': colors.muted,
            'border-width': 1,
            shape: 'round-rectangle',
            padding: '18px',
          },
        },
        {
          selector: 'edge',
          style: {
            width: 1.2,
            'line-color': colors.allowed,
            'target-arrow-color': colors.allowed,
            'target-arrow-shape': 'triangle',
            'curve-style': model.edges.length > 500 ? 'haystack' : 'bezier',
            label: 'data(label)',
            'font-size': 9,
            color: colors.text,
          },
        },
        // The what-if, not by colour alone: opened thick with a +, closed dashed with a −.
        {
          selector: 'edge.opened, edge.closed',
          style: {
            'font-size': 14,
            'font-weight': 'bold',
            'text-background-color': colors.background,
            'text-background-opacity': 1,
            'text-background-padding': '2px',
          },
        },
        { selector: 'edge.opened', style: { width: 3.5 } },
        {
          selector: 'edge.closed',
          style: {
            'line-style': 'dashed',
            'line-color': colors.denied,
            'target-arrow-color': colors.denied,
            'target-arrow-shape': 'tee',
            width: 2,
          },
        },
      ],
    });
    instance.on('tap', 'node', (event) => {
      const id = event.target.id() as string;
      if (id.startsWith('ns:')) update({ ns: [id.slice(3)] });
      else update({ sel: `pod:${id}` });
    });
    // An arrow between two workloads asks the check panel why (its rules, or what closed it).
    instance.on('tap', 'edge', (event) => {
      const [from, to] = [event.target.data('source') as string, event.target.data('target') as string];
      if (!from.startsWith('ns:') && !to.startsWith('ns:')) update({ from, to, checkPort: matrix.port });
    });
    cy.current = instance;
    // Test hooks: how many times the graph was drawn, and whether every element is in.
    container.dataset.drawing = String(Number(container.dataset.drawing ?? 0) + 1);
    container.dataset.drawn = String(!batched);
    let frame: number | undefined;
    if (batched) {
      let next = 0;
      let size = FIRST_BATCH;
      let last: number | undefined;
      const step = (now: number) => {
        // The time since the last batch's frame sizes this one (the machine's speed and load).
        if (last !== undefined) size = nextBatchSize(size, now - last);
        last = now;
        instance.add(elements.slice(next, next + size));
        next += size;
        // The selection may have changed since the elements were made.
        showSelection(instance, selected.current);
        if (next < elements.length) frame = requestAnimationFrame(step);
        else container.dataset.drawn = 'true';
      };
      frame = requestAnimationFrame(step);
    }
    exposeGraph(instance);
    return () => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      exposeGraph(undefined);
      instance.destroy();
      cy.current = null;
    };
  }, [model, matrix, update, scheme]);

  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    showSelection(instance, state.sel);
  }, [state.sel]);

  const exportPng = () => {
    const blob = cy.current?.png({ full: true, output: 'blob', scale: 1, bg: themeColors().background });
    if (blob) download('netpol-graph.png', blob, 'image/png');
  };

  return (
    <div className="graph-view">
      <div className="toolbar">
        <label>
          Search
          <input
            type="search"
            value={state.q}
            onChange={(e) => update({ q: e.target.value })}
            placeholder="name or label"
          />
        </label>
        <label>
          Namespace
          <select value={state.ns[0] ?? ''} onChange={(e) => update({ ns: e.target.value ? [e.target.value] : [] })}>
            <option value="">all</option>
            {summary.namespaces.map((ns) => (
              <option key={ns} value={ns}>
                {ns}
              </option>
            ))}
          </select>
        </label>
        <label>
          Caption label
          <select value={state.caption} onChange={(e) => update({ caption: e.target.value })}>
            <option value="">name only</option>
            {labelKeys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Edges
          <select value={state.edges} onChange={(e) => update({ edges: e.target.value as ViewState['edges'] })}>
            <option value="policy">decided by a policy</option>
            <option value="all">every allowed pair</option>
          </select>
        </label>
        <button type="button" onClick={exportPng}>
          Export PNG
        </button>
        <button type="button" onClick={() => download('netpol-graph.svg', graphToSvg(model), 'image/svg+xml')}>
          Export SVG
        </button>
      </div>
      <p className="legend" data-testid="graph-summary">
        {plural(model.workloads, 'workload')} in {plural(model.namespaces.length, 'namespace')};{' '}
        {plural(model.pairs, 'allowed connection')} on {matrix?.port}
        {model.collapsed && ` (over ${MAX_NODES} workloads: one node per namespace; click one, or search, to open it)`}
        {model.aggregated &&
          !model.collapsed &&
          ` (over ${MAX_EDGES}: drawn per namespace pair; pick a namespace or search to see each)`}
        {(model.opened > 0 || model.closed > 0) &&
          `; your edits open ${model.opened} (thick, +) and close ${model.closed} (dashed, −)`}
        . Badges: ⇥in = isolated for ingress (square), ⇤out = isolated for egress (double border). Click a workload to
        see its policies, an arrow to check it.
      </p>
      <div ref={box} className="graph-canvas" role="img" aria-label={`Graph of ${model.nodes.length} workloads`} />
    </div>
  );
}
