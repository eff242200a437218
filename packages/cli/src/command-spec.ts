import type { Io } from './io.js';

/** Options are declared once here and feed both the parser and `--help` (STYLE.md). */
export interface OptionSpec {
  /** Commander flags, e.g. `-f, --filename <path>`. */
  flags: string;
  description: string;
  /** Collect every occurrence into an array (`--port 80 --port 81`). */
  repeatable?: boolean;
  choices?: readonly string[];
  default?: string | boolean | string[];
}

export interface ArgumentSpec {
  name: string;
  description: string;
  required?: boolean;
  variadic?: boolean;
}

export interface CommandContext {
  /** Positional arguments in declaration order (a variadic one is an array). */
  args: unknown[];
  options: Record<string, unknown>;
  /** Option keys given on the command line (not filled in from a default). */
  given?: ReadonlySet<string>;
  io: Io;
}

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

export const fileOptions: readonly OptionSpec[] = [
  {
    flags: '-f, --filename <path>',
    description: 'manifest file, directory or - for stdin (repeatable)',
    repeatable: true,
  },
  { flags: '-R, --recursive', description: 'read directories recursively' },
];

export function outputOption(choices: readonly string[], fallback: string): OptionSpec {
  return {
    flags: '-o, --output <format>',
    description: `output format: ${choices.join('|')}`,
    choices,
    default: fallback,
  };
}

/** `-n`: the namespace of bare endpoint names and of objects that name none (as kubectl's). */
export const namespaceOption: OptionSpec = {
  flags: '-n, --namespace <ns>',
  description: 'namespace of bare names and of objects that name none',
  default: 'default',
};
