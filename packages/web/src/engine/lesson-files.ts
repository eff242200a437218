/// <reference types="vite/client" />
import type { InputFile } from '../protocol.js';
import { buildLesson, type Lesson } from './lesson.js';

// The seed examples, bundled at build time (the Learn view works offline, in a report too).
const texts = import.meta.glob('../../../../examples/*/*.yaml', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const byExample = new Map<string, InputFile[]>();
for (const [path, text] of Object.entries(texts)) {
  const [dir, file] = path.split('/').slice(-2) as [string, string];
  byExample.set(dir, [...(byExample.get(dir) ?? []), { name: `${dir}/${file}`, text }]);
}

const lessons = new Map<string, Lesson | undefined>();

export function lessonIds(): string[] {
  return [...byExample.keys()].sort();
}

/** Built on first use: each lesson loads its example a few times. */
export function lesson(id: string): Lesson | undefined {
  if (!lessons.has(id)) {
    const files = byExample.get(id);
    lessons.set(id, files ? buildLesson(id, files) : undefined);
  }
  return lessons.get(id);
}
