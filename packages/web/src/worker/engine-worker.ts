import { verifyLesson } from '../engine/lesson.js';
import { lesson, lessonIds } from '../engine/lesson-files.js';
import type { Request } from '../protocol.js';
import { type Answer, answerRequests } from './answer-requests.js';

/**
 * The engine's thread: core runs here so a 10k-pod cluster never blocks the page. One
 * session; requests answer `{ id, result }` or `{ id, error }` (answer-requests.ts).
 */

interface WorkerScope {
  onmessage: ((event: MessageEvent<{ id: number; request: Request; sentAt?: number }>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

/** How long each request waited here before it was handled (ms, by id): the page records it. */
const queued = new Map<number, number>();
/** When each request's handling began here (by id): its answer says how long it took (`workMs`). */
const began = new Map<number, number>();

function post(message: Answer): void {
  const result = 'result' in message ? message.result : undefined;
  // A matrix's bits are moved, not copied: alone (`matrix`) or with a summary (`matrix.bits`).
  const matrix = result instanceof Object && 'matrix' in result ? result.matrix : result;
  const transfer = matrix instanceof Object && 'bits' in matrix ? [(matrix.bits as Uint32Array).buffer] : [];
  const queuedMs = queued.get(message.id);
  queued.delete(message.id);
  const start = began.get(message.id);
  began.delete(message.id);
  // Until the post: the answer's clone (in postMessage) counts in its way to the page.
  const workMs = start === undefined ? undefined : performance.now() - start;
  scope.postMessage(queuedMs === undefined ? message : { ...message, queuedMs, workMs }, transfer);
}

// A macrotask: the messages that arrived meanwhile (an edit) are handled before lint goes on.
// A message to itself, not setTimeout(0): nested timers wait at least 4 ms each (HTML's
// clamp), ~0.3 s over a lint's ~80 steps on 10k pods; a posted message is queued behind the
// page's messages that arrived during the step (the same task source), so they still go first.
const channel = new MessageChannel();
const resumes: (() => void)[] = [];
channel.port1.onmessage = () => resumes.shift()?.();
const answer = answerRequests(
  post,
  () =>
    new Promise((resolve) => {
      resumes.push(resolve);
      channel.port2.postMessage(null);
    }),
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
  const { id, request, sentAt } = event.data;
  if (sentAt !== undefined) {
    began.set(id, performance.now());
    queued.set(id, performance.timeOrigin + performance.now() - sentAt);
  }
  if (request.op !== 'lessons' && request.op !== 'lesson' && request.op !== 'verify') return answer(id, request);
  try {
    post({ id, result: learn(request) });
  } catch (error) {
    post({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
