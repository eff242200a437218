#!/usr/bin/env node
// `npm run check:exports`: core's public API is what its callers use, nothing more. For each
// entry point in packages/core/package.json `exports` (`@netpol/core`, `@netpol/core/format`,
// ...), every name it exports must be imported from that entry point by cli, lab, web or
// scripts (their tests count: a test is a caller); an export nobody imports fails, naming it.
// The entry points' names are read by the TypeScript checker (so `export *` and renames
// count as written); imports are read from the callers' syntax. A namespace import or a
// dynamic import() of core fails too: it hides which names are used.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const core = join(root, 'packages/core');
const { name: pkg, exports } = JSON.parse(readFileSync(join(core, 'package.json'), 'utf8'));

const entries = new Map(
  Object.entries(exports).map(([subpath, target]) => [
    subpath === '.' ? pkg : `${pkg}/${subpath.slice(2)}`,
    join(core, target.source),
  ]),
);

const program = ts.createProgram([...entries.values()], { module: ts.ModuleKind.NodeNext, noEmit: true });
const checker = program.getTypeChecker();
const exported = new Map();
for (const [specifier, file] of entries) {
  const module = checker.getSymbolAtLocation(program.getSourceFile(file));
  exported.set(specifier, new Set(checker.getExportsOfModule(module).map((s) => s.name)));
}

const callers = [
  'packages/cli/src',
  'packages/cli/bin',
  'packages/lab/src',
  'packages/lab/helpers',
  'packages/web/src',
  'packages/web/scripts',
  'scripts',
].flatMap((dir) =>
  readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mts|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .filter((f) => !f.includes('node_modules') && !f.includes('/dist/')),
);

const imported = new Map([...entries.keys()].map((specifier) => [specifier, new Set()]));
const problems = [];
for (const file of callers) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(pkg)) continue;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const where = (node) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    return `${relative(root, file)}:${line + 1}`;
  };
  const visit = (node) => {
    const from = (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier;
    if (from && ts.isStringLiteral(from) && imported.has(from.text)) {
      const names = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : node.exportClause;
      if (names && ts.isNamedImports(names)) {
        for (const element of names.elements) imported.get(from.text).add((element.propertyName ?? element.name).text);
      } else if (names && ts.isNamedExports(names)) {
        for (const element of names.elements) imported.get(from.text).add((element.propertyName ?? element.name).text);
      } else problems.push(`${where(node)}: import the names you use from ${from.text}, not the whole module`);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      ts.isStringLiteral(node.arguments[0] ?? node) &&
      imported.has(node.arguments[0].text)
    ) {
      problems.push(`${where(node)}: a dynamic import() of ${node.arguments[0].text} hides which names are used`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

for (const [specifier, names] of exported) {
  const unused = [...names].filter((name) => !imported.get(specifier).has(name)).sort();
  if (unused.length > 0) {
    problems.push(`${specifier} exports what no caller imports from it: ${unused.join(', ')}`);
  }
}
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error('(remove the export, or import it where it is used: see packages/core/README.md "Entry points")');
  process.exitCode = 1;
} else {
  const count = [...exported.values()].reduce((n, names) => n + names.size, 0);
  console.log(`core's ${entries.size} entry points export ${count} names, each imported by a caller`);
}
