import { type CommandSpec, fileOptions, type OptionSpec, outputOption } from '../command-spec.js';

const labOption: OptionSpec = {
  flags: '--lab <id>',
  description: 'lab id: its namespaces are np-<id>-* (default: $NETPOL_LAB or lab)',
};

const readdressOption: OptionSpec = {
  flags: '--readdress',
  description: 'give pods whose status.podIP is outside 198.18.0.0/15 a lab address instead of refusing them',
};

/**
 * kubectl's flags of `run`/`exec`, accepted so the tutorials' commands work with `kubectl`
 * replaced by `netpol lab`: a lab pod runs this machine's programs, attached to the
 * terminal, removed afterwards, so these change nothing.
 */
const kubectlCompat = (what: 'run' | 'exec'): OptionSpec[] => [
  { flags: '-i, --stdin', description: 'accepted for kubectl compatibility (stdin is always passed)' },
  { flags: '-t, --tty', description: 'accepted for kubectl compatibility (the terminal is always passed)' },
  ...(what === 'run'
    ? [
        { flags: '--rm', description: 'accepted for kubectl compatibility (the pod is always removed afterwards)' },
        { flags: '--image <image>', description: "ignored: lab pods run this machine's programs" },
        { flags: '--restart <policy>', description: 'ignored (the pod runs the command once)' },
        { flags: '--command', description: 'accepted for kubectl compatibility' },
      ]
    : []),
];

const lazy =
  (name: 'up' | 'down' | 'status' | 'apply' | 'delete' | 'label' | 'run' | 'exec' | 'probe'): CommandSpec['run'] =>
  async (ctx) => {
    const { labCommand } = await import('./lab.js');
    return labCommand(name, ctx);
  };

export const labSpec: CommandSpec = {
  name: 'lab',
  summary: 'a one-node cluster of network namespaces that enforces policies on real packets (root, Linux)',
  examples: [
    'sudo netpol lab up -f examples/000-part1-pod-label-ingress/backend.yaml',
    'sudo netpol lab run test-client -- curl -m 5 -s backend',
    'sudo netpol lab apply -f examples/000-part1-pod-label-ingress/default-deny-ingress.yaml',
    'sudo netpol lab run allowed-client --labels access=allowed -- curl -m 5 -s backend',
    'sudo netpol lab exec default/backend[Deployment] -- cat /etc/resolv.conf',
    'sudo netpol lab label namespace default access=frontend',
    'sudo netpol lab delete networkpolicy default-deny-ingress',
    'sudo netpol lab probe --port 80 --port 53/UDP -o json',
    'sudo netpol lab down',
  ],
  subcommands: [
    {
      name: 'up',
      summary: 'build the lab from manifests: a namespace per pod, Services, DNS, nftables enforcement',
      options: [
        ...fileOptions,
        {
          flags: '--no-enforce',
          description: 'act like a CNI that ignores NetworkPolicy (kindnet): policies stay inert',
        },
        {
          flags: '--outside <name=ip>',
          description: 'an outside host in 203.0.113.0/24 (repeatable; default example.com=203.0.113.10)',
          repeatable: true,
        },
        readdressOption,
        labOption,
      ],
      run: lazy('up'),
    },
    {
      name: 'down',
      summary: 'remove everything the lab made (also after a crash)',
      options: [labOption],
      run: lazy('down'),
    },
    {
      name: 'status',
      summary: 'what the lab runs: pods, namespaces, addresses',
      options: [outputOption(['text', 'json'], 'text'), labOption],
      run: lazy('status'),
    },
    {
      name: 'apply',
      summary: 'add or change policies, pods, labels, namespaces (kubectl apply)',
      options: [...fileOptions, readdressOption, labOption],
      run: lazy('apply'),
    },
    {
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
        { flags: '-n, --namespace <ns>', description: 'namespace of named objects (default: default)' },
        { flags: '--ignore-not-found', description: 'an object the lab does not hold is not an error' },
        labOption,
      ],
      run: lazy('delete'),
    },
    {
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
        { flags: '-n, --namespace <ns>', description: 'namespace of the objects (default: default)' },
        { flags: '--overwrite', description: 'allow changing a label that already has a value' },
        labOption,
      ],
      run: lazy('label'),
    },
    {
      name: 'run',
      summary: 'run a command in a fresh pod, like kubectl run --rm -- CMD (exit code passed through)',
      arguments: [
        { name: 'name', description: 'pod name', required: true },
        { name: 'command', description: 'command and arguments, after --', required: true, variadic: true },
      ],
      options: [
        { flags: '-n, --namespace <ns>', description: 'namespace of the pod', default: 'default' },
        { flags: '-l, --labels <k=v,...>', description: 'labels of the pod (default run=NAME, as kubectl run)' },
        labOption,
        ...kubectlCompat('run'),
      ],
      run: lazy('run'),
    },
    {
      name: 'exec',
      summary: 'run a command inside a lab pod: NS/POD, NS/NAME[Kind] (first replica), NS/WORKLOAD, or an outside host',
      arguments: [
        { name: 'pod', description: 'the pod', required: true },
        { name: 'command', description: 'command and arguments, after --', required: true, variadic: true },
      ],
      options: [
        { flags: '-n, --namespace <ns>', description: 'namespace of a bare POD name (default: default)' },
        labOption,
        ...kubectlCompat('exec'),
      ],
      run: lazy('exec'),
    },
    {
      name: 'probe',
      summary: 'open real connections between every pair and compare with the engine (exit 1 on disagreement)',
      options: [
        {
          flags: '--port <port[/proto]>',
          description: 'port to probe (repeatable; default: every container port)',
          repeatable: true,
        },
        { flags: '--timeout <ms>', description: 'per-connection timeout', default: '1000' },
        outputOption(['table', 'json'], 'table'),
        labOption,
      ],
      run: lazy('probe'),
    },
  ],
};
