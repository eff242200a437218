import { checkName } from '@netpol/core';
import { COLOR_MODES, type ColorMode } from './colors.js';
import type { Io } from './io.js';

/**
 * Commands and their options are declared once here and feed the parser, `--help` and
 * shell completion (STYLE.md). `defineCommand` infers each option's key and value type from
 * its commander flags, so a command's `run` reads `options.failOn` typed, without casts.
 */

/** Where an option's value type travels (only in types; never set at run time). */
declare const valueType: unique symbol;

export interface OptionSpec<K extends string = string, V = unknown> {
  /** Commander flags, e.g. `-f, --filename <path>`. */
  flags: string;
  /** The options key commander gives it: `--fail-on` → `failOn`, `--no-enforce` → `enforce`. */
  key: K;
  description: string;
  /** Collect every occurrence into an array (`--port 80 --port 81`). */
  repeatable?: boolean;
  choices?: readonly string[];
  /** Why a value given cannot be right (the parser refuses it, exit 2), or undefined. */
  check?: (value: string) => string | undefined;
  default?: string | boolean | string[];
  readonly [valueType]?: V;
}

export interface ArgumentSpec {
  name: string;
  description: string;
  required?: boolean;
  variadic?: boolean;
}

/** `--fail-on <severity>` → `failOn`, `-n, --namespace <ns>` → `namespace`, `--no-x` → `x`. */
type LongName<F extends string> = F extends `${string}--${infer Rest}`
  ? Rest extends `${infer Name} ${string}`
    ? Name
    : Rest
  : never;
type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
export type OptionKey<F extends string> = LongName<F> extends `no-${infer N}` ? Camel<N> : Camel<LongName<F>>;

/** A flag's value: `<x>` a string, `[x]` a string or true, none a boolean. */
type FlagValue<F extends string> = F extends `${string}<${string}`
  ? string
  : F extends `${string}[${string}`
    ? string | true
    : boolean;

/** The same rule as `OptionKey`, at run time (commander's `attributeName`). */
function optionKey(flags: string): string {
  const long = /--([\w-]+)/.exec(flags)?.[1] ?? '';
  return long.replace(/^no-/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}

/**
 * An option read once: `--from <endpoint>` (string, or undefined when absent), `--per-pod`
 * (boolean), `--no-enforce` (true unless given).
 */
export function option<const F extends string>(
  flags: F,
  description: string,
): OptionSpec<OptionKey<F>, F extends `--no-${string}` ? boolean : FlagValue<F> | undefined>;
export function option<const F extends string>(
  flags: F,
  description: string,
  defaults: { default: string },
): OptionSpec<OptionKey<F>, string>;
export function option(flags: string, description: string, defaults?: { default: string }): OptionSpec {
  return { flags, key: optionKey(flags), description, ...(defaults ? { default: defaults.default } : {}) };
}

/** An option given any number of times, collected in order (`[]` when absent). */
export function repeatable<const F extends string>(flags: F, description: string): OptionSpec<OptionKey<F>, string[]> {
  return { flags, key: optionKey(flags) as OptionKey<F>, description, repeatable: true };
}

/** An option whose value is one of `choices` (commander rejects others), with a default. */
export function choice<const F extends string, const C extends readonly string[]>(
  flags: F,
  description: string,
  choices: C,
  fallback: C[number],
): OptionSpec<OptionKey<F>, C[number]> {
  return { flags, key: optionKey(flags) as OptionKey<F>, description, choices, default: fallback };
}

/** The options of every command (declared on the program). */
export const globalOptions = [
  choice('--color <mode>', 'colour', COLOR_MODES, 'auto'),
  option('--debug', 'print stacks of internal errors'),
  option('--max-input-size <size>', 'refuse inputs larger than this, per file and in total (default 1GiB)'),
] as const;

export type GlobalOptions = {
  color: ColorMode;
  debug?: boolean;
  maxInputSize?: string;
};

/** `{ key: value }` of a list of options, e.g. `{ filename: string[]; recursive: boolean | undefined }`. */
export type OptionsOf<O extends readonly OptionSpec[]> = {
  [S in O[number] as S['key']]: S extends OptionSpec<string, infer V> ? V : never;
};

type ArgumentValue<A extends ArgumentSpec> = A extends { variadic: true }
  ? string[]
  : A extends { required: true }
    ? string
    : string | undefined;

/** Positional arguments in declaration order (a variadic one is an array). */
export type ArgumentsOf<A extends readonly ArgumentSpec[]> = { -readonly [I in keyof A]: ArgumentValue<A[I]> };

export interface CommandContext<
  Args extends readonly unknown[] = unknown[],
  Options extends object = Record<string, unknown>,
> {
  args: Args;
  options: Options & GlobalOptions;
  /** Option keys given on the command line (not filled in from a default). */
  given: ReadonlySet<string>;
  io: Io;
}

/** A command as the parser sees it: its run takes the untyped context `defineCommand` typed. */
export interface CommandSpec {
  name: string;
  summary: string;
  arguments?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  examples?: readonly string[];
  subcommands?: readonly CommandSpec[];
  /** Loads the command's module lazily so `--help` stays instant. Returns the exit code. */
  run?: (ctx: CommandContext) => Promise<number>;
}

export interface CommandDefinition<A extends readonly ArgumentSpec[], O extends readonly OptionSpec[]> {
  name: string;
  summary: string;
  arguments?: A;
  options?: O;
  examples?: readonly string[];
  subcommands?: readonly CommandSpec[];
  run?: (ctx: CommandContext<ArgumentsOf<A>, OptionsOf<O>>) => Promise<number>;
}

/** A command whose `run` sees its arguments and options typed from their declarations. */
export function defineCommand<const A extends readonly ArgumentSpec[] = [], const O extends readonly OptionSpec[] = []>(
  definition: CommandDefinition<A, O>,
): CommandSpec {
  // The parser fills `args`/`options` from these very declarations (run.ts), which is what
  // makes this one widening sound.
  return definition as CommandSpec;
}

export const fileOptions = [
  repeatable('-f, --filename <path>', 'manifest file, directory or - for stdin (repeatable)'),
  option('-R, --recursive', 'read directories recursively'),
] as const;

export function outputOption<const C extends readonly string[]>(choices: C, fallback: C[number]) {
  return choice('-o, --output <format>', `output format: ${choices.join('|')}`, choices, fallback);
}

/** A namespace no real namespace could be named (`-n Prod_1`) would select nothing: refused. */
const checkNamespace = (value: string) => checkName('namespace name', value)?.message;

/** `-n`: the namespace of bare names and of objects that name none (as kubectl's). */
export function namespaceOption(
  description = 'namespace of bare names and of objects that name none',
): OptionSpec<'namespace', string> {
  return { ...option('-n, --namespace <ns>', description, { default: 'default' }), check: checkNamespace };
}

/** `-n` repeatable: a list of namespaces (none given: every namespace). */
export function namespacesOption(description: string): OptionSpec<'namespace', string[]> {
  return { ...repeatable('-n, --namespace <ns>', description), check: checkNamespace };
}

/** `-n` where its absence means something (every namespace, or "not given"). */
export function optionalNamespaceOption(description: string): OptionSpec<'namespace', string | undefined> {
  return { ...option('-n, --namespace <ns>', description), check: checkNamespace };
}

/** How the analysis commands read imperfect input and assign addresses (README "Imperfect input"). */
export const analysisOptions = [
  option(
    '--strict',
    'every validation error is fatal, as netpol validate reports it (default: errors that do not change connectivity are warnings)',
  ),
  repeatable(
    '--pod-cidr <cidr>',
    'range for pod addresses the input does not give (repeatable, ranges that share no address; default: inferred from pod IPs, else 198.18.0.0/16)',
  ),
  option('--service-cidr <cidr>', 'range for ClusterIPs the input does not give (default 198.19.0.0/16)'),
  option('--verbose', 'print every note and warning (repeated ones are summarized)'),
] as const;

/** The analysis options as `loadInput` takes them. */
export function analysisFrom(options: {
  strict?: boolean;
  podCidr?: string[];
  serviceCidr?: string;
  verbose?: boolean;
}): { strict?: boolean; podCidr?: string[]; serviceCidr?: string; verbose?: boolean } {
  return {
    strict: options.strict,
    podCidr: options.podCidr,
    serviceCidr: options.serviceCidr,
    verbose: options.verbose,
  };
}

/** `netpol validate a.yaml b.yaml`: paths after the options are more `-f` (as pre-commit passes files). */
export const pathsArgument = {
  name: 'paths',
  description: 'more manifest files or directories, as -f',
  variadic: true,
} as const;

/** The context with the positional paths added to `-f`. */
export function withPaths<C extends { options: { filename: string[] } }>(ctx: C, paths: readonly string[]): C {
  return paths.length === 0
    ? ctx
    : { ...ctx, options: { ...ctx.options, filename: [...ctx.options.filename, ...paths] } };
}
