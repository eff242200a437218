import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import type { SourceFile } from '@netpol/core';
import { InputBudget, readTextWithin } from './input-limit.js';
import { type Io, UsageError } from './io.js';
import { formatIssue } from './print-issues.js';
import { readFileStreamed, readStdinSource, readUnsizedFile, streamThreshold } from './read-stream.js';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** No `-f` given: the command that ran says its own example in the hint (run.ts). */
export class NoInputError extends UsageError {
  constructor(hint = 'e.g. netpol validate -f policies/') {
    super('no input: give at least one -f PATH', hint);
    this.name = 'NoInputError';
  }
}

/**
 * `-f` arguments → source texts, as kubectl reads them: a file, a directory (its
 * .yaml/.yml/.json files; subdirectories with `-R`), `-` for stdin, and `git:REV:PATH`
 * (a file or directory at a git revision, for `diff`). Files sorted so runs are repeatable.
 */
export async function readInputs(
  paths: readonly string[],
  io: Io,
  options: { recursive?: boolean } = {},
): Promise<SourceFile[]> {
  if (paths.length === 0) throw new NoInputError();
  const sources: SourceFile[] = [];
  const budget = new InputBudget(io.maxInputBytes);
  for (const path of paths) {
    if (path === '-') {
      sources.push(await readStdinSource(io, budget));
    } else if (path.startsWith('git:')) {
      const files = readGit(path, io, options.recursive ?? true);
      for (const f of files) budget.spend(f.name, Buffer.byteLength(f.text));
      sources.push(...files);
    } else {
      sources.push(...readPath(path, io, options.recursive ?? false, budget));
    }
  }
  return sources;
}

function readPath(path: string, io: Io, recursive: boolean, budget: InputBudget): SourceFile[] {
  const full = resolve(io.cwd, path);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(full);
  } catch (error) {
    throw new UsageError(`${path}: ${describeFsError(error)}`);
  }
  if (!stat.isDirectory()) return [readFile(full, path, stat.size, io, budget)];
  const skipped: string[] = [];
  const files = listManifests(full, path, recursive, skipped);
  if (files.length === 0) {
    throw new UsageError(
      `${path}: no .yaml, .yml or .json files in this directory${recursive ? '' : ' (use -R to read subdirectories)'}`,
    );
  }
  if (skipped.length > 0) {
    // kubectl reads only the top folder without -R, too; but a diff of two folders whose
    // workloads live in subfolders would silently compare nothing.
    const names = skipped.map((name) => `${name}/`);
    const shown = names.length > 5 ? [...names.slice(0, 5), `and ${names.length - 5} more`] : names;
    io.stderr.write(
      `${formatIssue({ code: 'subfolders-skipped', severity: 'info', path: [], file: path, message: `subfolders not read without -R: ${shown.join(', ')}` }, [])}\n`,
    );
  }
  return files.map(({ full: f, shown }) => readFile(f, shown, sizeOf(f), io, budget));
}

function listManifests(
  dir: string,
  shown: string,
  recursive: boolean,
  skipped: string[] = [],
): { full: string; shown: string }[] {
  const out: { full: string; shown: string }[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new UsageError(`${shown}: ${describeFsError(error)}`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    const name = join(shown, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...listManifests(full, name, recursive));
      else if (hasManifests(full)) skipped.push(entry.name);
    } else if (MANIFEST_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
      out.push({ full, shown: name });
    }
  }
  return out;
}

/** Whether a folder holds a manifest at any depth (so skipping it can matter). */
function hasManifests(dir: string): boolean {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some((entry) =>
    entry.isDirectory()
      ? hasManifests(join(dir, entry.name))
      : MANIFEST_EXTENSIONS.some((ext) => entry.name.endsWith(ext)),
  );
}

/** A file as text, or as a stream when it is too large for one string (read-stream.ts). */
function readFile(full: string, shown: string, size: number, io: Io, budget: InputBudget): SourceFile {
  if (!isRegularFile(full)) return withFsErrors(shown, () => readUnsizedFile(full, shown, io, budget));
  if (size > streamThreshold(io)) {
    budget.spend(shown, size);
    return readFileStreamed(full, shown);
  }
  return { name: shown, text: readText(full, shown, budget) };
}

function isRegularFile(full: string): boolean {
  try {
    return statSync(full).isFile();
  } catch {
    return true; // readText says what is wrong with it
  }
}

function withFsErrors<T>(shown: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${shown}: ${describeFsError(error)}`);
  }
}

function sizeOf(full: string): number {
  try {
    return statSync(full).size;
  } catch {
    return 0; // readText says what is wrong with it
  }
}

function readText(full: string, shown: string, budget: InputBudget): string {
  return withFsErrors(shown, () => readTextWithin(full, shown, budget));
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}

/**
 * `git:REV:PATH` — a file or a directory tree at a revision of the repository in cwd. PATH is
 * relative to the repository root, as in `git show REV:PATH`; `./PATH` and `../PATH` are
 * relative to cwd (git's own rule), so both work from a subdirectory.
 */
function readGit(spec: string, io: Io, recursive: boolean): SourceFile[] {
  const rest = spec.slice('git:'.length);
  const colon = rest.indexOf(':');
  if (colon < 0) throw new UsageError(`${spec}: expected git:REV:PATH, e.g. git:main:policies/`);
  const rev = rest.slice(0, colon);
  const given = rest.slice(colon + 1);
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, {
        cwd: io.cwd,
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
      throw new UsageError(`${spec}: ${stderr.split('\n')[0] || 'git failed'}`);
    }
  };
  const fromCwd = given === '.' || given.startsWith('./') || given.startsWith('../');
  const path = posix
    .normalize(fromCwd ? posix.join(git(['rev-parse', '--show-prefix']).trim(), given) : given)
    .replace(/^\.$/, '')
    .replace(/\/$/, '');
  if (path.startsWith('..')) throw new UsageError(`${spec}: the path leaves the repository`);
  const type = git(['cat-file', '-t', `${rev}:${path}`]).trim();
  if (type === 'blob') return [{ name: spec, text: git(['show', `${rev}:${path}`]) }];
  const listing = git([
    'ls-tree',
    '--full-tree', // paths from the repository root, whatever cwd is (cat-file and show use the root too)
    ...(recursive ? ['-r'] : []),
    '--name-only',
    '-z', // NUL-separated and unquoted: git quotes non-ASCII names (`"\303\244llow.yaml"`) otherwise
    `${rev}`,
    '--',
    path === '' ? '.' : `${path}/`,
  ]);
  const files = listing
    .split('\0')
    .filter((f) => MANIFEST_EXTENSIONS.some((ext) => f.endsWith(ext)))
    .sort();
  if (files.length === 0) throw new UsageError(`${spec}: no .yaml, .yml or .json files at that revision`);
  return files.map((f) => ({ name: `git:${rev}:${f}`, text: git(['show', `${rev}:${f}`]) }));
}
