/** Renderers write their output in pieces (a 10,000-endpoint matrix is one row at a time). */
export type Write = (chunk: string) => void;

/** Collects a renderer's output into one string (tests, small matrices). */
export function renderToString(render: (write: Write) => void): string {
  const parts: string[] = [];
  render((chunk) => parts.push(chunk));
  return parts.join('');
}

/** Cell text for one verdict, shared by table, md and html. */
export const CELL = { allowed: '✓', denied: '✗', none: '·' } as const;

export function cellOf(value: boolean | null): string {
  return value === null ? CELL.none : value ? CELL.allowed : CELL.denied;
}
