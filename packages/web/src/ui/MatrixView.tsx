import { type KeyboardEvent, type MouseEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MatrixBits, MatrixExportFormat, PodMatrix, Summary } from '../protocol.js';
import { download } from './download.js';
import type { EngineClient } from './engine-client.js';
import { buildGrid, buildPodGrid, drillUp, endpointsOf, type Grid, parseDrill, podDrill } from './matrix-model.js';
import { themeColors, useColorScheme } from './theme.js';
import type { ViewState } from './url-state.js';

export interface MatrixViewProps {
  summary: Summary;
  matrix: MatrixBits | undefined;
  state: ViewState;
  update: (patch: Partial<ViewState>) => void;
  onCell: (from: string, to: string) => void;
  engine: EngineClient;
}

const HEAD_W = 220;
const HEAD_H = 140;

/**
 * What the export buttons save, said in their names: not the level or port shown (the session's
 * exportMatrix: every endpoint on every port), and the state judged, edits and toggles included.
 */
const EXPORTED = 'the whole matrix, every port, with the unsaved edits and toggles';
const EXPORTS: readonly [MatrixExportFormat, string][] = [
  ['csv', 'Save CSV'],
  ['md', 'Save Markdown'],
  ['json', 'Save JSON'],
];

/**
 * Rows are sources, columns destinations: namespaces first (shade = share of allowed pairs),
 * a click drills into workloads. Drawn on one canvas, only the visible cells, so 2,000 × 2,000
 * scrolls as smoothly as 20 × 20.
 */
export function MatrixView({ summary, matrix, state, update, onCell, engine }: MatrixViewProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [focus, setFocus] = useState<[number, number]>([0, 0]);
  const [size, setSize] = useState({ width: 800, height: 500, left: 0, top: 0 });
  const drill = parseDrill(state.drill);
  const [pods, setPods] = useState<PodMatrix>();
  // The pod level asks the worker for just the pods drilled into (a new summary or port: again).
  useEffect(() => {
    setPods(undefined);
    const d = parseDrill(state.drill);
    if (d.level !== 'pods' || !matrix) return;
    let cancelled = false;
    const rows = endpointsOf(d.rows, summary.endpoints);
    const cols = endpointsOf(d.cols, summary.endpoints);
    engine.podMatrix(matrix.port, rows, cols).then(
      (m) => !cancelled && setPods(m),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [engine, summary, matrix, state.drill]);
  const grid = useMemo(() => {
    if (parseDrill(state.drill).level === 'pods') return pods ? buildPodGrid(pods, summary.whatIf) : undefined;
    return matrix && matrix.n === summary.endpoints.length
      ? buildGrid(summary.endpoints, matrix, state.drill, summary.whatIf)
      : undefined;
  }, [summary, matrix, state.drill, pods]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new level starts at its first cell
  useEffect(() => setFocus([0, 0]), [state.drill]);
  const nsLevel = drill.level === 'namespaces';
  const cell = nsLevel ? 44 : 18;

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () =>
      setSize({ width: el.clientWidth, height: el.clientHeight, left: el.scrollLeft, top: el.scrollTop });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    el.addEventListener('scroll', measure, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', measure);
    };
  }, []);

  // Drawn again in the other scheme's colours when the system's changes.
  const scheme = useColorScheme();
  useEffect(() => {
    if (!grid || !canvas.current) return;
    canvas.current.dataset.scheme = scheme;
    draw(canvas.current, grid, size, cell, focus);
  }, [grid, size, cell, focus, scheme]);

  const describe = (g: Grid, r: number, c: number) => {
    const k = r * g.cols.length + c;
    const a = g.allowed[k] ?? 0;
    const t = g.total[k] ?? 0;
    const change = g.changed[k] === 1 ? ', opened by the edit' : g.changed[k] === -1 ? ', closed by the edit' : '';
    if (t === 1) return `${g.rows[r]?.label} → ${g.cols[c]?.label}: ${a ? 'allowed' : 'denied'}${change}`;
    return `${g.rows[r]?.label} → ${g.cols[c]?.label}: ${a} of ${t} pairs allowed${change}`;
  };

  const open = useCallback(
    (r: number, c: number) => {
      if (!grid) return;
      const row = grid.rows[r];
      const col = grid.cols[c];
      if (!row || !col) return;
      if (row.namespace && col.namespace) update({ drill: `${row.namespace}|${col.namespace}` });
      else if (row.endpoint && col.endpoint && ((row.pods ?? 1) > 1 || (col.pods ?? 1) > 1)) {
        // A workload cell: its pods, and the check panel asks the workloads' question.
        update({
          drill: podDrill(row.endpoint, col.endpoint),
          from: row.label,
          to: col.label,
          checkPort: matrix?.port,
        });
      } else onCell(row.label, col.label);
    },
    [grid, update, onCell, matrix],
  );

  const at = (event: MouseEvent<HTMLCanvasElement>): [number, number] | undefined => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - rect.left - HEAD_W + size.left;
    const y = event.clientY - rect.top - HEAD_H + size.top;
    if (x < 0 || y < 0 || !grid) return undefined;
    const r = Math.floor(y / cell);
    const c = Math.floor(x / cell);
    return r < grid.rows.length && c < grid.cols.length ? [r, c] : undefined;
  };

  /** A row or column name under the pointer (workloads and pods: it selects the one named). */
  const header = (event: MouseEvent<HTMLCanvasElement>): string | undefined => {
    if (!grid || nsLevel) return undefined;
    const rect = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - rect.left - HEAD_W + size.left;
    const y = event.clientY - rect.top - HEAD_H + size.top;
    if (x < 0 && y >= 0) return grid.rows[Math.floor(y / cell)]?.label;
    if (y < 0 && x >= 0) return grid.cols[Math.floor(x / cell)]?.label;
    return undefined;
  };

  const onKey = (event: KeyboardEvent<HTMLCanvasElement>) => {
    if (!grid) return;
    const [r, c] = focus;
    const moves: Record<string, [number, number]> = {
      ArrowUp: [r - 1, c],
      ArrowDown: [r + 1, c],
      ArrowLeft: [r, c - 1],
      ArrowRight: [r, c + 1],
    };
    const next = moves[event.key];
    if (next) {
      event.preventDefault();
      const clamped: [number, number] = [
        Math.max(0, Math.min(grid.rows.length - 1, next[0])),
        Math.max(0, Math.min(grid.cols.length - 1, next[1])),
      ];
      setFocus(clamped);
      scrollInto(scroller.current, clamped, cell);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open(r, c);
    } else if (event.key === 'Escape' || event.key === 'Backspace') {
      update({ drill: drillUp(state.drill) });
    }
  };

  const save = async (format: MatrixExportFormat) => {
    const text = await engine.exportMatrix(format);
    download(`netpol-matrix.${format}`, text, format === 'json' ? 'application/json' : 'text/plain');
  };

  const width = grid ? HEAD_W + grid.cols.length * cell : 0;
  const height = grid ? HEAD_H + grid.rows.length * cell : 0;
  return (
    <div className="matrix-view">
      <div className="toolbar">
        <span>{title(state.drill)}</span>
        {!nsLevel && (
          <button type="button" onClick={() => update({ drill: drillUp(state.drill) })}>
            {drill.level === 'pods' ? 'Back to workloads' : 'Back to namespaces'}
          </button>
        )}
        {drill.level === 'workloads' && drill.rows && drill.cols && (
          <button type="button" onClick={() => update({ drill: podDrill(drill.rows ?? '', drill.cols ?? '') })}>
            Every pod
          </button>
        )}
        {state.drill !== '*' && (
          <button type="button" onClick={() => update({ drill: '*' })}>
            Every workload
          </button>
        )}
        <span className="spacer" />
        <span id="matrix-export-what">Export every port, unsaved edits included:</span>
        {EXPORTS.map(([format, label]) => (
          <button
            key={format}
            type="button"
            onClick={() => save(format)}
            aria-label={`${label}: ${EXPORTED}`}
            aria-describedby="matrix-export-what"
            title={`${EXPORTED}: as netpol matrix -o ${format} on the edited files`}
          >
            {label}
          </button>
        ))}
      </div>
      <p className="legend">
        Rows: source, columns: destination, on {matrix?.port}. ✓ allowed, · denied (a namespace: allowed pairs of all; a
        workload: its first replica, its pods one level down); outlined + opened, − closed by your edits. Arrow keys
        move, Enter opens (namespaces → workloads → pods → the check panel), Escape goes back; click a workload's or
        pod's name to select it.
      </p>
      <div ref={scroller} className="matrix-scroller">
        <div style={{ width, height }} className="matrix-spacer">
          {/* biome-ignore lint/a11y/useSemanticElements: a <table> of 2,000 × 2,000 cells is 4M DOM nodes; the canvas draws only what shows, the focused cell is read out below */}
          <canvas
            ref={canvas}
            className="matrix-canvas"
            tabIndex={0}
            role="grid"
            aria-label={grid ? `Matrix: ${grid.rows.length} sources by ${grid.cols.length} destinations` : 'Matrix'}
            aria-describedby="matrix-focus"
            onClick={(e) => {
              const rc = at(e);
              const named = header(e);
              if (rc) {
                setFocus(rc);
                open(rc[0], rc[1]);
              } else if (named) update({ sel: `pod:${named}` });
            }}
            onMouseMove={(e) => {
              const rc = at(e);
              const named = header(e);
              e.currentTarget.title =
                rc && grid ? describe(grid, rc[0], rc[1]) : named ? `${named}: click to select it` : '';
            }}
            onKeyDown={onKey}
          />
        </div>
      </div>
      <p id="matrix-focus" className="matrix-focus" aria-live="polite">
        {grid && grid.rows.length > 0 ? describe(grid, focus[0], focus[1]) : grid ? 'no workloads' : 'Loading…'}
      </p>
    </div>
  );
}

function title(drill: string): string {
  const d = parseDrill(drill);
  if (d.level === 'namespaces') return 'Namespaces';
  if (d.level === 'pods') return `Pods: ${d.rows} → ${d.cols}`;
  return d.rows ? `Workloads: ${d.rows} → ${d.cols}` : 'Every workload';
}

function scrollInto(el: HTMLDivElement | null, [r, c]: [number, number], cell: number): void {
  if (!el) return;
  const x = c * cell;
  const y = r * cell;
  const w = el.clientWidth - HEAD_W;
  const h = el.clientHeight - HEAD_H;
  if (x < el.scrollLeft) el.scrollLeft = x;
  else if (x + cell > el.scrollLeft + w) el.scrollLeft = x + cell - w;
  if (y < el.scrollTop) el.scrollTop = y;
  else if (y + cell > el.scrollTop + h) el.scrollTop = y + cell - h;
}

function draw(
  canvas: HTMLCanvasElement,
  grid: Grid,
  view: { width: number; height: number; left: number; top: number },
  cell: number,
  focus: [number, number],
): void {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.floor(view.width * ratio);
  canvas.height = Math.floor(view.height * ratio);
  canvas.style.width = `${view.width}px`;
  canvas.style.height = `${view.height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  const colors = themeColors();
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, view.width, view.height);
  const cols = grid.cols.length;
  const r0 = Math.max(0, Math.floor(view.top / cell));
  const r1 = Math.min(grid.rows.length, Math.ceil((view.top + view.height - HEAD_H) / cell));
  const c0 = Math.max(0, Math.floor(view.left / cell));
  const c1 = Math.min(cols, Math.ceil((view.left + view.width - HEAD_W) / cell));
  const glyphs = cell >= 14;
  ctx.font = `${Math.min(12, cell - 4)}px sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  // In passes (cells, then glyphs, then outlines), each setting the context's style only when
  // it changes: a cell at a time, switching styles thousands of times, was the view's longest task.
  const visible = (each: (k: number, x: number, y: number) => void) => {
    for (let r = r0; r < r1; r++) {
      const y = HEAD_H + r * cell - view.top;
      for (let c = c0; c < c1; c++) each(r * cols + c, HEAD_W + c * cell - view.left, y);
    }
  };
  let style = '';
  visible((k, x, y) => {
    const total = grid.total[k] ?? 0;
    const share = total === 0 ? 0 : (grid.allowed[k] ?? 0) / total;
    const alpha = share === 0 ? 0.18 : 0.15 + 0.85 * share;
    const fill = share > 0 ? colors.allowed : colors.denied;
    const next = `${fill}|${alpha}`;
    if (next !== style) {
      style = next;
      ctx.fillStyle = fill;
      ctx.globalAlpha = alpha;
    }
    ctx.fillRect(x + 1, y + 1, cell - 2, cell - 2);
  });
  ctx.globalAlpha = 1;
  if (glyphs) {
    ctx.fillStyle = colors.text;
    visible((k, x, y) => {
      const total = grid.total[k] ?? 0;
      const allowed = grid.allowed[k] ?? 0;
      const text = total > 1 ? `${allowed}/${total}` : total > 0 && allowed > 0 ? '✓' : '·';
      ctx.fillText(text, x + cell / 2, y + cell / 2, cell - 2);
    });
  }
  ctx.lineWidth = 2;
  visible((k, x, y) => {
    const change = grid.changed[k];
    if (!change) return;
    ctx.strokeStyle = change === -1 ? colors.denied : colors.accent;
    ctx.setLineDash(change === -1 ? [3, 2] : []);
    ctx.strokeRect(x + 1.5, y + 1.5, cell - 3, cell - 3);
  });
  ctx.setLineDash([]);
  // Headers over the cells: row names on the left, column names slanted on top.
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, view.width, HEAD_H);
  ctx.fillRect(0, 0, HEAD_W, view.height);
  ctx.fillStyle = colors.text;
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'right';
  for (let r = r0; r < r1; r++) {
    const y = HEAD_H + r * cell - view.top + cell / 2;
    if (y < HEAD_H) continue;
    ctx.fillText(shorten(grid.rows[r]?.label ?? '', 34), HEAD_W - 6, y, HEAD_W - 8);
  }
  ctx.textAlign = 'left';
  for (let c = c0; c < c1; c++) {
    const x = HEAD_W + c * cell - view.left + cell / 2;
    if (x < HEAD_W) continue;
    ctx.save();
    ctx.translate(x, HEAD_H - 6);
    ctx.rotate(-Math.PI / 3);
    ctx.fillText(shorten(grid.cols[c]?.label ?? '', 26), 0, 0);
    ctx.restore();
  }
  const [fr, fc] = focus;
  const fx = HEAD_W + fc * cell - view.left;
  const fy = HEAD_H + fr * cell - view.top;
  if (fx >= HEAD_W && fy >= HEAD_H) {
    ctx.strokeStyle = colors.text;
    ctx.lineWidth = 2;
    ctx.strokeRect(fx, fy, cell, cell);
  }
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max / 2 - 1)}…${text.slice(-max / 2)}`;
}
