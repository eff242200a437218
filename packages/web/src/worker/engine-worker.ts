import { verifyLesson } from '../engine/lesson.js';
import { lesson, lessonIds } from '../engine/lesson-files.js';
import type { Request } from '../protocol.js';
import { type Answer, answerRequests } from './answer-requests.js';

/**
 * The engine's thread: core runs here so a 10k-pod cluster never blocks the page. One
 * session; requests answer `{ id, result }` or `{ id, error }` (answer-requests.ts).
 */

interface WorkerScope {
  onmessage: ((event: MessageEvent<{ id: number; request: Request }>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

function post(message: Answer): void {
  const result = 'result' in message ? message.result : undefined;
  // A matrix's bits are moved, not copied: alone (`matrix`) or with a summary (`matrix.bits`).
  const matrix = result instanceof Object && 'matrix' in result ? result.matrix : result;
  const transfer = matrix instanceof Object && 'bits' in matrix ? [(matrix.bits as Uint32Array).buffer] : [];
  scope.postMessage(message, transfer);
}

const answer = answerRequests(
  post,
  // A macrotask: the messages that arrived meanwhile (an edit) are handled before lint goes on.
  () => new Promise((resolve) => setTimeout(resolve, 0)),
);

/** Learn needs no input: the lessons are the bundled examples (a Vite glob, so not in answerRequests). */
function learn(request: Request): unknown {
  if (request.op === 'lessons') return lessonIds();
  if (request.op === 'lesson') return lesson(request.id) ?? null;
  if (request.op !== 'verify') return undefined;
  const found = lesson(request.id);
  if (!found) throw new Error(`no lesson ${request.id}`);
  return verifyLesson(found, request.answer);
}

scope.onmessage = (event) => {
  const { id, request } = event.data;
  if (request.op !== 'lessons' && request.op !== 'lesson' && request.op !== 'verify') return answer(id, request);
  try {
    post({ id, result: learn(request) });
  } catch (error) {
    post({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
