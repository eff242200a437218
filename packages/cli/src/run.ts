import { first } from '@netpol/core';
import { Command, CommanderError, Option } from 'commander';
import { type CommandContext, type CommandSpec, globalOptions, type OptionSpec } from './command-spec.js';
import { COMMANDS } from './command-table.js';
import { parseSize } from './input-limit.js';
import { ExitError, type Io, UsageError } from './io.js';
import { NoInputError } from './read-inputs.js';
import { suggest } from './suggest.js';
import { terminalSafe } from './terminal-text.js';
import { versionLine } from './version.js';

/**
 * Run `netpol` with `argv` (without node and script). The only place that turns failures
 * into exit codes: 0 fine, 1 denied/findings/changes, 2 bad input or usage.
 */
export async function run(argv: readonly string[], given: Io): Promise<number> {
  const io: Io = { ...given, stdout: terminalSafe(given.stdout), stderr: terminalSafe(given.stderr) };
  let exitCode = 0;
  const debug = argv.includes('--debug');
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    // kubectl runs kubectl_complete-netpol WORDS... for `kubectl netpol <TAB>`: a copy or link
    // of the single executable under that name answers as `netpol __complete` does.
    const completing =
      argv[0] === '__complete' ? argv.slice(1) : io.program === 'kubectl_complete-netpol' ? argv : undefined;
    if (completing) {
      const { complete } = await import('./completion/complete.js');
      return await complete(completing, io, COMMANDS);
    }
    const group = groupAsked(program, argv);
    if (group) {
      io.stdout.write(group.helpInformation());
      return 0;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof ExitError) return error.code;
    if (error instanceof CommanderError) {
      // help and version are "errors" to commander; they printed already.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return 0;
      return 2;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`netpol: ${error.message}\n`);
      if (error.hint) io.stderr.write(`hint: ${error.hint}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      `netpol: internal error: ${message}\nThis is a bug in netpol; please report it with the command you ran.${debug ? '' : ' (--debug shows the stack)'}\n`,
    );
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 2;
  }
}

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  // As a kubectl plugin (`kubectl netpol ...`), usage lines name it that way.
  const program = new Command(io.program === 'kubectl-netpol' ? 'kubectl netpol' : 'netpol')
    .description('Kubernetes NetworkPolicy engine, linter and lab')
    .version(versionLine(), '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.startsWith('error:') ? `netpol: ${s.slice('error: '.length)}` : s),
    });
  program.on('command:*', (operands: string[]) => {
    const near = suggest(
      first(operands),
      COMMANDS.map((c) => c.name),
    );
    io.stderr.write(
      `netpol: unknown command '${operands[0]}'${near ? ` (did you mean '${near}'?)` : ''}\nRun 'netpol --help' for the commands.\n`,
    );
    throw new ExitError(2);
  });
  for (const option of globalOptions) program.addOption(commanderOption(option));
  for (const spec of COMMANDS) program.addCommand(buildCommand(spec, io, setExit, program));
  return program;
}

function buildCommand(
  spec: CommandSpec,
  io: Io,
  setExit: (code: number) => void,
  root: Command,
  parent = 'netpol',
): Command {
  const path = `${parent} ${spec.name}`;
  const command = new Command(spec.name).description(spec.summary).exitOverride();
  command.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s, write) => {
      if (!s.startsWith('error:')) return write(s);
      write(`${path}: ${s.slice('error: '.length)}`);
      // `lab exec POD curl -m 3 x`: the option is the command's; say where it goes.
      const args = spec.arguments ?? [];
      const option = /^error: unknown option '([^']+)'/.exec(s)?.[1];
      if (option && args.some((a) => a.variadic)) {
        const usage = args.map((a) => (a.variadic ? `-- <${a.name}...>` : `<${a.name}>`)).join(' ');
        write(`hint: if ${option} belongs to the command, put the command after --: ${path} ${usage}\n`);
      }
      // `lab probe 80`: a value without its option; name the options that take one.
      if (/^error: too many arguments/.test(s)) {
        const valued = (spec.options ?? [])
          .filter((o) => /[<[]/.test(o.flags))
          .map((o) => o.flags.split(',').pop()?.trim());
        if (valued.length > 0) write(`hint: values go after their option: ${valued.slice(0, 4).join(', ')}\n`);
      }
    },
  });
  for (const arg of spec.arguments ?? []) {
    const name = `${arg.name}${arg.variadic ? '...' : ''}`;
    command.argument(arg.required ? `<${name}>` : `[${name}]`, arg.description);
  }
  const repeatable = new Set((spec.options ?? []).filter((o) => o.repeatable).map((o) => o.flags));
  for (const opt of spec.options ?? []) command.addOption(commanderOption(opt));
  if (spec.examples?.length) {
    command.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  }
  for (const sub of spec.subcommands ?? []) command.addCommand(buildCommand(sub, io, setExit, root, path));
  if (spec.run) {
    const runSpec = spec.run;
    command.action(async (...params: unknown[]) => {
      // commander passes positional args, then the options object, then the command.
      const cmd = params[params.length - 1] as Command;
      const args = params.slice(0, -2);
      // Typed by the declarations the options were parsed from (defineCommand).
      const options = { ...root.opts(), ...cmd.optsWithGlobals() } as CommandContext['options'];
      for (const option of cmd.options) {
        const key = option.attributeName();
        if (repeatable.has(option.flags) && options[key] === undefined) options[key] = [];
      }
      const given = new Set(
        cmd.options.map((o) => o.attributeName()).filter((key) => cmd.getOptionValueSource(key) === 'cli'),
      );
      const limit = root.opts().maxInputSize as string | undefined;
      const runIo = limit === undefined ? io : { ...io, maxInputBytes: parseSize(limit) };
      try {
        setExit(await runSpec({ args, options, given, io: runIo }));
      } catch (error) {
        // `netpol serve` with no -f: a hint with the command that ran, not validate's.
        if (error instanceof NoInputError) throw new NoInputError(`e.g. ${inputExample(spec, path)}`);
        throw error;
      }
    });
  }
  return command;
}

/** The command's first example reading files (its help's), else the plain shape. */
function inputExample(spec: CommandSpec, path: string): string {
  return (
    spec.examples?.find((e) => e.startsWith(`${path} -f `) && !e.startsWith(`${path} -f - `)) ?? `${path} -f policies/`
  );
}

function commanderOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.choices) option.choices([...spec.choices]);
  // A repeatable option's empty list is filled in after parsing, so --help does not print
  // "(default: [])".
  const { check, repeatable } = spec;
  const checked = (value: string) => {
    const problem = check?.(value);
    // Not commander's InvalidArgumentError: a usage error reads as every other one.
    if (problem) throw new UsageError(`${shortFlag(spec.flags)}: ${problem}`);
    return value;
  };
  if (repeatable) {
    option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), checked(value)]);
  } else if (check) option.argParser(checked);
  if (spec.default !== undefined) option.default(spec.default);
  return option;
}

/** `-n, --namespace <ns>` → `-n`, the flag people type most. */
function shortFlag(flags: string): string {
  return flags.split(/[ ,]/)[0] ?? flags;
}

/**
 * `netpol`, `netpol lab`: a command group named without its subcommand, as kubectl answers
 * it (help on stdout, exit 0); undefined for anything else.
 */
function groupAsked(program: Command, argv: readonly string[]): Command | undefined {
  const words = [...argv];
  while (words[0] === '--debug' || words[0] === '--color' || words[0]?.startsWith('--color=')) {
    words.splice(0, words[0] === '--color' ? 2 : 1);
  }
  let command = program;
  for (const word of words) {
    const sub = command.commands.find((c) => c.name() === word);
    if (!sub) return undefined;
    command = sub;
  }
  return command.commands.length > 0 ? command : undefined;
}
