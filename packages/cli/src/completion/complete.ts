import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { at, atLeast, first, loadCluster, resourceNameOfKind } from '@netpol/core';
import { type CommandSpec, globalOptions, type OptionSpec } from '../command-spec.js';
import type { Io } from '../io.js';
import { readSources } from '../read-sources.js';

/**
 * `netpol __complete WORD... CURRENT`: the candidates for CURRENT after WORD..., one per line
 * (`value<TAB>description`), then `:DIRECTIVE`. This is cobra's protocol, which kubectl
 * speaks to a plugin's `kubectl_complete-netpol`; our bash, zsh and fish scripts speak it too,
 * so every shell completes from this one table-driven function.
 */
export async function complete(words: readonly string[], io: Io, commands: readonly CommandSpec[]): Promise<number> {
  const current = words.at(-1) ?? '';
  const { candidates, directive } = await candidatesFor(words, io, commands);
  for (const c of candidates) {
    if (!c.value.startsWith(current)) continue;
    io.stdout.write(c.description ? `${c.value}\t${short(c.description)}\n` : `${c.value}\n`);
  }
  io.stdout.write(`:${directive}\n`);
  return 0;
}

/** A description fits beside the candidate: its first clause, at most 70 characters. */
function short(description: string): string {
  const clause = first(description.split(/[;(]/)).trim();
  return clause.length > 70 ? `${clause.slice(0, 69)}…` : clause;
}

/** cobra's ShellCompDirective bits. */
export const DIRECTIVE = { files: 0, noSpace: 2, noFiles: 4 } as const;

interface Candidate {
  value: string;
  description?: string;
}

interface Completion {
  candidates: Candidate[];
  directive: number;
}

/** Inputs larger than this are not read for completion: a TAB must answer at once. */
const CHEAP_INPUT_BYTES = 4 * 1024 * 1024;

export async function candidatesFor(
  words: readonly string[],
  io: Io,
  commands: readonly CommandSpec[],
): Promise<Completion> {
  const current = words.at(-1) ?? '';
  const line = parseLine(words.slice(0, -1), commands);
  const none: Completion = { candidates: [], directive: DIRECTIVE.noFiles };
  const inline = /^(--[\w-]+)=(.*)$/.exec(current);
  const pending = line.pending ?? (inline ? findOption(line.options, at(inline, 1)) : undefined);
  if (pending) {
    const values = await valuesFor(pending, line, io);
    if (!inline) return values;
    // `--output=js`: the shell completes the whole word, so candidates carry the flag.
    return { ...values, candidates: values.candidates.map((c) => ({ ...c, value: `${inline[1]}=${c.value}` })) };
  }
  if (current.startsWith('-')) {
    return {
      candidates: line.options.flatMap((o) =>
        o.flags
          .split(/[ ,]+/)
          .filter((f) => f.startsWith('-'))
          .map((f) => ({ value: f, description: o.description })),
      ),
      directive: DIRECTIVE.noFiles,
    };
  }
  const subcommands = line.command ? (line.command.subcommands ?? []) : commands;
  if (subcommands.length > 0 && line.positionals.length === 0) {
    return {
      candidates: subcommands.map((c) => ({ value: c.name, description: c.summary })),
      directive: DIRECTIVE.noFiles,
    };
  }
  const argument =
    line.command?.arguments?.[Math.min(line.positionals.length, (line.command.arguments?.length ?? 1) - 1)];
  if (!argument) return none;
  // Arguments that are files (diff BASE HEAD) fall back to the shell's file completion.
  if (/file|directory|PATH/.test(argument.description)) return { candidates: [], directive: DIRECTIVE.files };
  if (argument.name === 'shell')
    return { candidates: ['bash', 'zsh', 'fish'].map((value) => ({ value })), directive: DIRECTIVE.noFiles };
  return none;
}

interface ParsedLine {
  command?: CommandSpec;
  /** Options the command (and the program) accepts. */
  options: OptionSpec[];
  /** Values given so far, by option key. */
  values: Map<string, string[]>;
  positionals: string[];
  /** The option whose value is being typed (the previous word was its flag). */
  pending?: OptionSpec;
}

function parseLine(words: readonly string[], commands: readonly CommandSpec[]): ParsedLine {
  const line: ParsedLine = { options: [...globalOptions], values: new Map(), positionals: [] };
  let afterDashes = false;
  for (const word of words) {
    if (line.pending) {
      line.values.set(line.pending.key, [...(line.values.get(line.pending.key) ?? []), word]);
      line.pending = undefined;
    } else if (!afterDashes && word === '--') {
      afterDashes = true;
    } else if (!afterDashes && word.startsWith('-') && word !== '-') {
      const [flag, value] = atLeast(word.split(/=(.*)/s), 1);
      const option = findOption(line.options, flag);
      if (option && takesValue(option)) {
        if (value === undefined) line.pending = option;
        else line.values.set(option.key, [...(line.values.get(option.key) ?? []), value]);
      }
    } else {
      const sub = (line.command ? line.command.subcommands : commands)?.find((c) => c.name === word);
      if (sub && line.positionals.length === 0) {
        line.command = sub;
        line.options = [...globalOptions, ...(sub.options ?? [])];
      } else {
        line.positionals.push(word);
      }
    }
  }
  return line;
}

function findOption(options: readonly OptionSpec[], flag: string): OptionSpec | undefined {
  return options.find((o) => o.flags.split(/[ ,]+/).includes(flag));
}

function takesValue(option: OptionSpec): boolean {
  return /[<[]/.test(option.flags);
}

async function valuesFor(option: OptionSpec, line: ParsedLine, io: Io): Promise<Completion> {
  const listed = (values: readonly string[]): Completion => ({
    candidates: values.map((value) => ({ value })),
    directive: DIRECTIVE.noFiles,
  });
  if (option.choices) return listed(option.choices);
  switch (option.key) {
    case 'filename':
    case 'kubeconfig':
      return { candidates: [], directive: DIRECTIVE.files };
    case 'namespace':
    case 'from':
    case 'to':
    case 'pod':
    case 'policy': {
      const cluster = await cheapCluster(line.values.get('filename') ?? [], line.values.has('recursive'), io);
      if (!cluster) return listed([]);
      if (option.key === 'namespace') return listed(cluster.namespaces);
      if (option.key === 'policy') return listed(cluster.policies);
      return listed(option.key === 'pod' ? cluster.pods : cluster.endpoints);
    }
    default:
      return listed([]);
  }
}

interface CompletionCluster {
  namespaces: string[];
  pods: string[];
  endpoints: string[];
  policies: string[];
}

/**
 * Names in the `-f` input, when reading it is cheap: local files only (never stdin, git or
 * a cluster), a few MiB at most; otherwise nothing, and the shell completes nothing.
 */
async function cheapCluster(
  files: readonly string[],
  recursive: boolean,
  io: Io,
): Promise<CompletionCluster | undefined> {
  if (files.length === 0 || files.some((f) => f === '-' || f.startsWith('git:'))) return undefined;
  let bytes = 0;
  for (const file of files) {
    try {
      const stat = statSync(resolve(io.cwd, file));
      bytes += stat.isDirectory() ? 0 : stat.size;
    } catch {
      return undefined;
    }
  }
  if (bytes > CHEAP_INPUT_BYTES) return undefined;
  // Notes and errors of the input are not the completion's to print.
  const quiet: Io = { ...io, stdout: { write: () => true }, stderr: { write: () => true } };
  try {
    const sources = await readSources({ file: [...files], recursive }, quiet);
    if (sources.reduce((n, s) => n + s.text.length, 0) > CHEAP_INPUT_BYTES) return undefined;
    const result = loadCluster(sources);
    if (!result.ok) return undefined;
    const cluster = result.value.cluster;
    const workloads = cluster.workloads.map((w) => `${w.namespace}/${resourceNameOfKind(w.kind)}/${w.name}`);
    const pods = cluster.pods.filter((p) => !p.workload).map((p) => p.id);
    return {
      namespaces: [...new Set([...cluster.namespaces.keys(), ...cluster.pods.map((p) => p.namespace)])].sort(),
      pods: [...pods, ...workloads].sort(),
      endpoints: [
        ...pods,
        ...workloads,
        ...cluster.services.map((s) => `${s.name}.${s.namespace}.svc.cluster.local`),
      ].sort(),
      policies: cluster.policies.map((p) => `${p.namespace}/${p.name}`).sort(),
    };
  } catch {
    return undefined;
  }
}
