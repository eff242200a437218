import {
  defineCommand,
  fileOptions,
  namespaceOption,
  option,
  optionalNamespaceOption,
  outputOption,
  repeatable,
} from '../command-spec.js';
import { UsageError } from '../io.js';
import { inSingleExecutable } from '../single-executable.js';

const labOption = option('--lab <id>', 'lab id: its namespaces are np-<id>-* (default: $NETPOL_LAB or lab)');

const readdressOption = option(
  '--readdress',
  'give pods whose status.podIP is outside 198.18.0.0/15 a lab address instead of refusing them',
);

/**
 * kubectl's flags of `run`/`exec`, accepted so the tutorials' commands work with `kubectl`
 * replaced by `netpol lab`: a lab pod runs this machine's programs, attached to the
 * terminal, removed afterwards, so these change nothing.
 */
const kubectlExecCompat = [
  option('-i, --stdin', 'accepted for kubectl compatibility (stdin is always passed)'),
  option('-t, --tty', 'accepted for kubectl compatibility (the terminal is always passed)'),
] as const;
const kubectlRunCompat = [
  ...kubectlExecCompat,
  option('--rm', 'accepted for kubectl compatibility (the pod is always removed afterwards)'),
  option('--image <image>', "ignored: lab pods run this machine's programs"),
  option('--restart <policy>', 'ignored (the pod runs the command once)'),
  option('--command', 'accepted for kubectl compatibility'),
] as const;

/**
 * The lab's module, loaded when a lab command runs so `--help` stays instant. The lab starts
 * Node programs of its own (its agent, the pods' helpers): files the single executable does
 * not carry.
 */
async function labModule(): Promise<typeof import('./lab.js')> {
  if (inSingleExecutable()) {
    throw new UsageError(
      'the lab is not part of the single-file executable',
      'install the npm package for it (npm install -g netpol; Node 20+, root, Linux)',
    );
  }
  return import('./lab.js');
}

export const labDefinition = defineCommand({
  name: 'lab',
  summary: 'a one-node cluster of network namespaces that enforces policies on real packets (root, Linux)',
  examples: [
    'sudo netpol lab up -f examples/000-part1-pod-label-ingress/backend.yaml',
    'sudo netpol lab run test-client -- curl -m 5 -s backend',
    'sudo netpol lab apply -f examples/000-part1-pod-label-ingress/default-deny-ingress.yaml',
    'sudo netpol lab run allowed-client --labels access=allowed -- curl -m 5 -s backend',
    'sudo netpol lab exec deploy/backend -- cat /etc/resolv.conf',
    'sudo netpol lab label namespace default access=frontend',
    'sudo netpol lab delete networkpolicy default-deny-ingress',
    'sudo netpol lab probe --port 80 --port 53/UDP -o json',
    'sudo netpol lab down',
  ],
  subcommands: [
    defineCommand({
      name: 'up',
      summary: 'build the lab from manifests: a namespace per pod, Services, DNS, nftables enforcement',
      options: [
        ...fileOptions,
        option('--no-enforce', 'act like a CNI that ignores NetworkPolicy (kindnet): policies stay inert'),
        repeatable(
          '--outside <name=ip>',
          'an outside host in 203.0.113.0/24 (repeatable; default example.com=203.0.113.10)',
        ),
        readdressOption,
        labOption,
      ],
      run: async ({ options, io }) => {
        const lab = await labModule();
        return lab.withLab(options.lab, io, (ctx) => lab.up(ctx, options, io));
      },
    }),
    defineCommand({
      name: 'down',
      summary: 'remove everything the lab made (also after a crash)',
      options: [labOption],
      run: async ({ options, io }) => {
        const lab = await labModule();
        return lab.withLab(options.lab, io, (ctx) => lab.down(ctx, io));
      },
    }),
    defineCommand({
      name: 'status',
      summary: 'what the lab runs: pods, namespaces, addresses',
      options: [outputOption(['text', 'json'], 'text'), labOption],
      run: async ({ options, io }) => {
        const lab = await labModule();
        return lab.withLab(options.lab, io, (ctx) => lab.status(ctx, options, io));
      },
    }),
    defineCommand({
      name: 'apply',
      summary: 'add or change policies, pods, labels, namespaces (kubectl apply)',
      options: [...fileOptions, readdressOption, labOption],
      run: async ({ options, io }) => {
        const lab = await labModule();
        return lab.withLab(options.lab, io, (ctx) => lab.change(ctx, 'apply', [], options, io));
      },
    }),
    defineCommand({
      name: 'delete',
      summary: 'remove the objects in the files, or named ones (kubectl delete -f FILE / TYPE NAME...)',
      arguments: [
        {
          name: 'objects',
          description: 'TYPE NAME... or TYPE/NAME..., e.g. networkpolicy default-deny-ingress (instead of -f)',
          variadic: true,
        },
      ],
      options: [
        ...fileOptions,
        optionalNamespaceOption('namespace of named objects (default: default)'),
        option('--ignore-not-found', 'an object the lab does not hold is not an error'),
        labOption,
      ],
      run: async ({ args: [objects], options, io }) => {
        const lab = await labModule();
        return lab.withLab(options.lab, io, (ctx) => lab.change(ctx, 'delete', objects, options, io));
      },
    }),
    defineCommand({
      name: 'label',
      summary: 'set (KEY=VALUE) or remove (KEY-) labels of pods, namespaces, ... (kubectl label)',
      arguments: [
        {
          name: 'args',
          description: 'TYPE NAME... KEY=VALUE... KEY-..., e.g. namespace backend access=backend',
          required: true,
          variadic: true,
        },
      ],
      options: [
        optionalNamespaceOption('namespace of the objects (default: default)'),
        option('--overwrite', 'allow changing a label that already has a value'),
        labOption,
      ],
      run: async ({ args: [all], options, io }) => {
        const lab = await labModule();
        return lab.withLab(options.lab, io, (ctx) => lab.label(ctx, all, options, io));
      },
    }),
    defineCommand({
      name: 'run',
      summary: 'run a command in a fresh pod, like kubectl run --rm -- CMD (exit code passed through)',
      arguments: [
        { name: 'name', description: 'pod name', required: true },
        { name: 'command', description: 'command and arguments, after --', required: true, variadic: true },
      ],
      options: [
        namespaceOption('namespace of the pod'),
        option('-l, --labels <k=v,...>', 'labels of the pod (default run=NAME, as kubectl run)'),
        labOption,
        ...kubectlRunCompat,
      ],
      run: async ({ args: [name, command], options, io }) => {
        const lab = await labModule();
        return lab.withLab(options.lab, io, (ctx) => lab.runPod(ctx, name, command, options, io));
      },
    }),
    defineCommand({
      name: 'exec',
      summary:
        'run a command inside a lab pod: NS/POD, deploy/NAME or NS/deploy/NAME (first replica), NS/NAME[Kind], NS/WORKLOAD, or an outside host',
      arguments: [
        { name: 'pod', description: 'the pod', required: true },
        { name: 'command', description: 'command and arguments, after --', required: true, variadic: true },
      ],
      options: [
        optionalNamespaceOption('namespace of a bare POD name (default: default)'),
        labOption,
        ...kubectlExecCompat,
      ],
      run: async ({ args: [pod, command], options, io }) => {
        const lab = await labModule();
        return lab.withLab(options.lab, io, (ctx) => lab.execPod(ctx, pod, command, options, io));
      },
    }),
    defineCommand({
      name: 'probe',
      summary: 'open real connections between every pair and compare with the engine (exit 1 on disagreement)',
      options: [
        repeatable('--port <port[/proto]>', 'port to probe (repeatable; default: every container port)'),
        option('--timeout <ms>', 'per-connection timeout', { default: '1000' }),
        option('--sctp', 'probe SCTP ports with raw INIT packets (this kernel has no SCTP sockets; needs python3)'),
        option('--node', 'also probe the lab node address (198.18.0.1) as a destination'),
        outputOption(['table', 'json'], 'table'),
        labOption,
      ],
      run: async ({ options, io }) => {
        const lab = await labModule();
        return lab.withLab(options.lab, io, (ctx) => lab.probe(ctx, options, io));
      },
    }),
  ],
});
