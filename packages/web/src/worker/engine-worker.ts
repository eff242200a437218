import { verifyLesson } from '../engine/lesson.js';
import { lesson, lessonIds } from '../engine/lesson-files.js';
import { Session } from '../engine/session.js';
import type { Request } from '../protocol.js';

/**
 * The engine's thread: core runs here so a 10k-pod cluster never blocks the page. One
 * session; requests answer in order, `{ id, result }` or `{ id, error }`.
 */

interface WorkerScope {
  onmessage: ((event: MessageEvent<{ id: number; request: Request }>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
let session: Session | undefined;

function handle(request: Request): unknown {
  // Learn needs no input: the lessons are the bundled examples.
  if (request.op === 'lessons') return lessonIds();
  if (request.op === 'lesson') return lesson(request.id) ?? null;
  if (request.op === 'verify') {
    const found = lesson(request.id);
    if (!found) throw new Error(`no lesson ${request.id}`);
    return verifyLesson(found, request.answer);
  }
  if (request.op === 'load') {
    if (session) return session.reload(request.input);
    session = new Session(request.input);
    return session.summary();
  }
  if (!session) throw new Error('no input loaded yet');
  switch (request.op) {
    case 'edit':
      return session.edit(request.file, request.text);
    case 'toggle':
      return session.toggle(request.policy, request.enabled);
    case 'revert':
      return session.revert();
    case 'matrix':
      return session.matrix(request.port);
    case 'podMatrix':
      return session.podMatrix(request.port, request.rows, request.cols);
    case 'check':
      return session.check(request.from, request.to, request.port);
    case 'select':
      return session.select(request.kind, request.id);
    case 'export':
      return session.exportMatrix(request.format);
    case 'diffBase':
      return session.diffBase() ?? null;
    case 'exportDiff':
      return session.exportDiff(request.format) ?? null;
    case 'lint':
      return session.lint();
    case 'text':
      return session.text(request.file) ?? null;
    case 'edited':
      return session.edited();
    case 'patches':
      return session.patches();
    case 'locate':
      return session.locate(request.policy) ?? null;
    default:
      throw new Error(`unknown request ${(request as { op: string }).op}`);
  }
}

scope.onmessage = (event) => {
  const { id, request } = event.data;
  try {
    const result = handle(request);
    const transfer = result instanceof Object && 'bits' in result ? [(result.bits as Uint32Array).buffer] : [];
    scope.postMessage({ id, result }, transfer);
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
