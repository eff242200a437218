#!/usr/bin/env node
// `npm run check:cycles`: fails on any import cycle among the TypeScript files of packages/
// (static, type-only and dynamic imports alike: a cycle of types still ties two modules
// together, and a lazy import() is still an edge). Imports are read and resolved by the
// TypeScript compiler itself, with the repository's tsconfig (NodeNext, `.js` specifiers,
// the `source` condition across workspaces), rather than by madge, whose resolver would need
// all of that configured again and which brings a hundred dependencies. Strongly connected
// components (Tarjan) name every cycle's files.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile).config;
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);

const files = readdirSync(join(root, 'packages'), { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts'))
  .map((e) => join(e.parentPath ?? e.path, e.name))
  .filter((f) => !f.includes('node_modules') && !f.includes('/dist/'));
const known = new Set(files);

const edges = new Map();
for (const file of files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const targets = new Set();
  for (const { fileName } of importedFiles) {
    const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule?.resolvedFileName;
    if (resolved && known.has(resolved)) targets.add(resolved);
  }
  edges.set(file, [...targets]);
}

// Tarjan's strongly connected components, iteratively (no recursion limit on long chains).
let index = 0;
const indexOf = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
for (const start of files) {
  if (indexOf.has(start)) continue;
  const work = [[start, 0]];
  indexOf.set(start, index);
  low.set(start, index++);
  stack.push(start);
  onStack.add(start);
  while (work.length > 0) {
    const frame = work[work.length - 1];
    const [node, i] = frame;
    const next = edges.get(node)[i];
    if (next !== undefined) {
      frame[1]++;
      if (!indexOf.has(next)) {
        indexOf.set(next, index);
        low.set(next, index++);
        stack.push(next);
        onStack.add(next);
        work.push([next, 0]);
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node), indexOf.get(next)));
      }
      continue;
    }
    work.pop();
    if (work.length > 0) {
      const parent = work[work.length - 1][0];
      low.set(parent, Math.min(low.get(parent), low.get(node)));
    }
    if (low.get(node) === indexOf.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = component.length === 1 && edges.get(node).includes(node);
      if (component.length > 1 || selfLoop) cycles.push(component);
    }
  }
}

const name = (f) => relative(root, f);
if (cycles.length === 0) {
  process.stdout.write(`no import cycles among ${files.length} files\n`);
} else {
  process.stdout.write(`${cycles.length} import cycle${cycles.length === 1 ? '' : 's'}:\n`);
  for (const component of cycles) {
    const members = new Set(component);
    process.stdout.write(`\n  ${component.length} files:\n`);
    for (const file of component.sort()) {
      const inCycle = edges
        .get(file)
        .filter((t) => members.has(t))
        .map(name);
      process.stdout.write(`    ${name(file)} → ${inCycle.join(', ')}\n`);
    }
  }
  process.exitCode = 1;
}
