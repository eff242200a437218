import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsOf, loaded, policy, summary } from './test-helpers.js';
import { isForeignGroup, validateObject } from './validate-object.js';

const messagesOf = (kind: string, value: Record<string, unknown>) =>
  validateObject(loaded(kind, value)).map((i) => `${summary([i])[0]}: ${i.message}`);

describe('validateObject: decode errors at their exact path', () => {
  const cases: [string, unknown, string[]][] = [
    [
      'a string where an int32 goes',
      { ingress: [{ ports: [{ port: 80, endPort: '90' }] }] },
      [
        'field-type spec.ingress[0].ports[0].endPort: json: cannot unmarshal string into Go struct field NetworkPolicyPort.spec.ingress.ports.endPort of type int32',
      ],
    ],
    [
      'a map where a list goes',
      { ingress: { from: [] } },
      [
        'field-type spec.ingress: json: cannot unmarshal object into Go struct field NetworkPolicySpec.spec.ingress of type []v1.NetworkPolicyIngressRule',
      ],
    ],
    [
      'a string where a list of strings goes',
      { policyTypes: 'Ingress' },
      [
        'field-type spec.policyTypes: json: cannot unmarshal string into Go struct field NetworkPolicySpec.spec.policyTypes of type []v1.PolicyType',
      ],
    ],
    [
      'a bool as port (IntOrString decodes it as int32)',
      { ingress: [{ ports: [{ port: true }] }] },
      ['field-type spec.ingress[0].ports[0].port: json: cannot unmarshal bool into Go value of type int32'],
    ],
    [
      'a fraction as port',
      { egress: [{ ports: [{ port: 80.5 }] }] },
      ['field-type spec.egress[0].ports[0].port: json: cannot unmarshal number 80.5 into Go value of type int32'],
    ],
    [
      'an int32 overflow',
      { egress: [{ ports: [{ port: 80, endPort: 4294967296 }] }] },
      [
        'field-type spec.egress[0].ports[0].endPort: json: cannot unmarshal number 4294967296 into Go struct field NetworkPolicyPort.spec.egress.ports.endPort of type int32',
      ],
    ],
    [
      'a string as ipBlock (no "must specify a peer" on top)',
      { ingress: [{ from: [{ ipBlock: '10.0.0.0/8' }] }] },
      [
        'field-type spec.ingress[0].from[0].ipBlock: json: cannot unmarshal string into Go struct field NetworkPolicyPeer.spec.ingress.from.ipBlock of type v1.IPBlock',
      ],
    ],
    [
      'a number as cidr (no "Required" on top)',
      { ingress: [{ from: [{ ipBlock: { cidr: 10 } }] }] },
      [
        'field-type spec.ingress[0].from[0].ipBlock.cidr: json: cannot unmarshal number into Go struct field IPBlock.spec.ingress.from.ipBlock.cidr of type string',
      ],
    ],
    [
      'a list as podSelector',
      { podSelector: [] },
      [
        'field-type spec.podSelector: json: cannot unmarshal array into Go struct field NetworkPolicySpec.spec.podSelector of type v1.LabelSelector',
      ],
    ],
    [
      'a number in matchExpressions values',
      { podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [1] }] } },
      [
        'field-type spec.podSelector.matchExpressions[0].values[0]: json: cannot unmarshal number into Go struct field LabelSelectorRequirement.spec.podSelector.matchExpressions.values of type string',
      ],
    ],
    [
      'a list as spec',
      [],
      [
        'field-type spec: json: cannot unmarshal array into Go struct field NetworkPolicy.spec of type v1.NetworkPolicySpec',
      ],
    ],
  ];
  for (const [name, spec, expected] of cases) {
    it(name, () => assert.deepEqual(messagesOf('NetworkPolicy', policy(spec)), expected));
  }

  it('reports a YAML 1.1 boolean label value as the API server does', () => {
    assert.deepEqual(messagesOf('Pod', { metadata: { name: 'a', labels: { enabled: true } }, spec: pod }), [
      'field-type metadata.labels.enabled: json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string',
    ]);
  });

  it('treats null as absent, as encoding/json does', () => {
    assert.deepEqual(
      errorsOf('NetworkPolicy', policy({ podSelector: null, ingress: null, egress: [{ to: null, ports: null }] })),
      [],
    );
  });

  it('reports a metadata that is not a mapping once', () => {
    assert.deepEqual(errorsOf('NetworkPolicy', { metadata: 'x', spec: {} }), ['field-type metadata']);
  });
});

describe('validateObject: unknown fields (kubectl validates strictly by default)', () => {
  it('refuses a misspelt field of a NetworkPolicy spec, at its path', () => {
    assert.deepEqual(
      messagesOf('NetworkPolicy', policy({ podselector: {}, ingress: [{ form: [{ podSelector: {} }] }] })),
      [
        'field-unknown spec.podselector: strict decoding error: unknown field "spec.podselector"',
        'field-unknown spec.ingress[0].form: strict decoding error: unknown field "spec.ingress[0].form"',
      ],
    );
  });

  it('refuses one in a peer, a port, an ipBlock and a selector', () => {
    assert.deepEqual(
      errorsOf(
        'NetworkPolicy',
        policy({
          egress: [
            {
              to: [
                { ipBlock: { cidr: '10.0.0.0/8', excepts: [] } },
                { podSelector: { matchLabel: {} }, namespace: 'x' },
              ],
              ports: [{ port: 80, endport: 90 }],
            },
          ],
        }),
      ),
      // In the order they are written.
      [
        'field-unknown spec.egress[0].to[0].ipBlock.excepts',
        'field-unknown spec.egress[0].to[1].namespace',
        'field-unknown spec.egress[0].to[1].podSelector.matchLabel',
        'field-unknown spec.egress[0].ports[0].endport',
      ],
    );
  });

  it('refuses a misspelt field of a container port or a Service port', () => {
    assert.deepEqual(
      errorsOf('Pod', {
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerport: 80, containerPort: 80 }] }] },
      }),
      ['field-unknown spec.containers[0].ports[0].containerport'],
    );
    assert.deepEqual(errorsOf('Service', { metadata: { name: 's' }, spec: { ports: [{ port: 80, target: 8080 }] } }), [
      'field-unknown spec.ports[0].target',
    ]);
  });

  it('ignores fields of types netpol does not fully describe (a pod spec)', () => {
    assert.deepEqual(
      errorsOf('Pod', {
        metadata: { name: 'p', uid: 'x', creationTimestamp: null },
        spec: { ...pod, tolerations: [] },
      }),
      [],
    );
  });
});

describe('validateObject: apiVersion', () => {
  it('refuses a removed or unknown apiVersion', () => {
    assert.deepEqual(errorsOf('NetworkPolicy', { apiVersion: 'extensions/v1beta1', ...policy({}) }), [
      'field-not-supported apiVersion',
    ]);
    assert.deepEqual(errorsOf('CronJob', { apiVersion: 'batch/v1beta1', metadata: { name: 'c' }, spec: cronSpec }), [
      'field-not-supported apiVersion',
    ]);
  });

  it('requires one', () => {
    assert.deepEqual(errorsOf('Namespace', { apiVersion: undefined, metadata: { name: 'x' } }), [
      'field-required apiVersion',
    ]);
  });
});

const pod = { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80, name: 'http' }] }] };
const template = (labels: Record<string, string>, spec: Record<string, unknown> = pod) => ({
  metadata: { labels },
  spec,
});
const cronSpec = {
  schedule: '*/5 * * * *',
  jobTemplate: { spec: { template: template({}, { ...pod, restartPolicy: 'OnFailure' }) } },
};

describe('validateObject: Pod', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a valid pod', pod, []],
    ['no containers', { containers: [] }, ['field-required spec.containers']],
    ['container without image', { containers: [{ name: 'c' }] }, ['field-required spec.containers[0].image']],
    ['container without name', { containers: [{ image: 'i' }] }, ['field-required spec.containers[0].name']],
    [
      'duplicate container names (init containers share them)',
      { initContainers: [{ name: 'c', image: 'i' }], containers: [{ name: 'c', image: 'i' }] },
      ['field-duplicate spec.containers[0].name'],
    ],
    [
      'containerPort out of range, missing, hostPort out of range',
      {
        containers: [
          {
            name: 'c',
            image: 'i',
            ports: [{ containerPort: 70000 }, { name: 'x' }, { containerPort: 1, hostPort: -1 }],
          },
        ],
      },
      [
        'field-invalid spec.containers[0].ports[0].containerPort',
        'field-required spec.containers[0].ports[1].containerPort',
        'field-invalid spec.containers[0].ports[2].hostPort',
      ],
    ],
    [
      'port names: too long, upper case, no letter, double hyphen, duplicate',
      {
        containers: [
          {
            name: 'c',
            image: 'i',
            ports: [
              { containerPort: 1, name: 'a-very-long-port-name' },
              { containerPort: 2, name: 'HTTP' },
              { containerPort: 3, name: '8080' },
              { containerPort: 4, name: 'a--b' },
              { containerPort: 5, name: 'web' },
              { containerPort: 6, name: 'web' },
            ],
          },
        ],
      },
      [
        'field-invalid spec.containers[0].ports[0].name',
        'field-invalid spec.containers[0].ports[1].name', // charset
        'field-invalid spec.containers[0].ports[1].name', // no lower-case letter
        'field-invalid spec.containers[0].ports[2].name',
        'field-invalid spec.containers[0].ports[3].name',
        'field-duplicate spec.containers[0].ports[5].name',
      ],
    ],
    [
      'unknown protocol',
      { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 1, protocol: 'ICMP' }] }] },
      ['field-not-supported spec.containers[0].ports[0].protocol'],
    ],
    ['unknown restartPolicy', { ...pod, restartPolicy: 'Sometimes' }, ['field-not-supported spec.restartPolicy']],
  ];
  for (const [name, spec, expected] of cases) {
    it(name, () => assert.deepEqual(errorsOf('Pod', { metadata: { name: 'p' }, spec }), expected));
  }
});

describe('validateObject: Service', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>, string[]][] = [
    ['valid', { name: 'web' }, { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] }, []],
    ['name must be a DNS-1035 label', { name: '1web' }, { ports: [{ port: 80 }] }, ['field-invalid metadata.name']],
    ['no ports', { name: 'web' }, { selector: { app: 'web' } }, ['field-required spec.ports']],
    ['headless without ports', { name: 'web' }, { clusterIP: 'None' }, []],
    [
      'two ports need names, names unique',
      { name: 'web' },
      { ports: [{ port: 80 }, { port: 81, name: 'a' }, { port: 82, name: 'a' }] },
      ['field-required spec.ports[0].name', 'field-duplicate spec.ports[2].name'],
    ],
    [
      'bad port, protocol and targetPort',
      { name: 'web' },
      { ports: [{ port: 0, protocol: 'ICMP', targetPort: 'Not_A_Name' }] },
      [
        'field-invalid spec.ports[0].port',
        'field-not-supported spec.ports[0].protocol',
        'field-invalid spec.ports[0].targetPort',
      ],
    ],
    [
      'targetPort number out of range',
      { name: 'web' },
      { ports: [{ port: 80, targetPort: 70000 }] },
      ['field-invalid spec.ports[0].targetPort'],
    ],
    [
      'bad clusterIP',
      { name: 'web' },
      { clusterIP: '10.0.0.300', ports: [{ port: 80 }] },
      ['field-invalid spec.clusterIPs[0]'],
    ],
    ['unknown type', { name: 'web' }, { type: 'Internal', ports: [{ port: 80 }] }, ['field-not-supported spec.type']],
    [
      'nodePort on a ClusterIP service',
      { name: 'web' },
      { ports: [{ port: 80, nodePort: 30080 }] },
      ['field-forbidden spec.ports[0].nodePort'],
    ],
    [
      'bad selector value',
      { name: 'web' },
      { selector: { app: 'a b' }, ports: [{ port: 80 }] },
      ['field-invalid spec.selector'],
    ],
  ];
  for (const [name, metadata, spec, expected] of cases) {
    it(name, () => assert.deepEqual(errorsOf('Service', { metadata, spec }), expected));
  }
});

describe('validateObject: workloads', () => {
  const cases: [string, string, Record<string, unknown>, string[]][] = [
    [
      'valid Deployment',
      'Deployment',
      { replicas: 2, selector: { matchLabels: { app: 'a' } }, template: template({ app: 'a' }) },
      [],
    ],
    [
      'negative replicas',
      'Deployment',
      { replicas: -1, selector: { matchLabels: { app: 'a' } }, template: template({ app: 'a' }) },
      ['field-invalid spec.replicas'],
    ],
    ['missing selector', 'Deployment', { template: template({ app: 'a' }) }, ['field-required spec.selector']],
    [
      'empty selector',
      'StatefulSet',
      { selector: {}, template: template({ app: 'a' }) },
      ['field-invalid spec.selector'],
    ],
    [
      'selector does not match template labels',
      'DaemonSet',
      { selector: { matchLabels: { app: 'a' } }, template: template({ app: 'b' }) },
      ['field-invalid spec.template.metadata.labels'],
    ],
    [
      'template restartPolicy must be Always',
      'ReplicaSet',
      { selector: { matchLabels: { app: 'a' } }, template: template({ app: 'a' }, { ...pod, restartPolicy: 'Never' }) },
      ['field-not-supported spec.template.spec.restartPolicy'],
    ],
    [
      'template without containers; image may be left to admission',
      'Deployment',
      { selector: { matchLabels: { app: 'a' } }, template: template({ app: 'a' }, { containers: [{ name: 'c' }] }) },
      [],
    ],
    [
      'Job needs OnFailure or Never',
      'Job',
      { template: template({}) },
      ['field-not-supported spec.template.spec.restartPolicy'],
    ],
    ['valid Job', 'Job', { parallelism: 2, template: template({}, { ...pod, restartPolicy: 'Never' }) }, []],
    ['valid CronJob', 'CronJob', cronSpec, []],
    ['CronJob without schedule', 'CronJob', { ...cronSpec, schedule: '' }, ['field-required spec.schedule']],
    ['valid ReplicationController', 'ReplicationController', { replicas: 1, template: template({ app: 'a' }) }, []],
    [
      'ReplicationController selector not matching',
      'ReplicationController',
      { selector: { app: 'x' }, template: template({ app: 'a' }) },
      ['field-invalid spec.template.metadata.labels'],
    ],
  ];
  for (const [name, kind, spec, expected] of cases) {
    it(name, () => assert.deepEqual(errorsOf(kind, { metadata: { name: 'w' }, spec }), expected));
  }
});

describe('validateObject: Namespace', () => {
  it('needs a DNS-1123 label and refuses metadata.namespace', () => {
    assert.deepEqual(errorsOf('Namespace', { metadata: { name: 'team-a' } }), []);
    assert.deepEqual(errorsOf('Namespace', { metadata: { name: 'team.a' } }), ['field-invalid metadata.name']);
    assert.deepEqual(errorsOf('Namespace', { metadata: { name: 'a', namespace: 'b' } }), [
      'field-forbidden metadata.namespace',
    ]);
  });
});

describe('isForeignGroup: a kind of the same name from another API group', () => {
  it('compares the group before the last slash with the groups that served the kind', () => {
    const rows: [string, string, boolean][] = [
      ['NetworkPolicy', 'networking.k8s.io/v1', false],
      ['NetworkPolicy', 'extensions/v1beta1', false],
      ['NetworkPolicy', 'projectcalico.org/v3', true],
      ['NetworkPolicy', 'networking.k8s.io.evil/v1', true],
      ['NetworkPolicy', 'networking.k8s/v1', true],
      ['NetworkPolicy', 'v1', true],
      ['Namespace', 'v1', false],
      ['Namespace', 'core.example/v1', true],
      ['Deployment', 'apps/v1', false],
      ['Deployment', 'apps/beta/v1', true],
      ['Deployment', 'v1', true],
      ['Deployment', '', false],
      ['Widget', 'example.com/v1', false],
    ];
    for (const [kind, apiVersion, foreign] of rows)
      assert.equal(isForeignGroup(kind, apiVersion), foreign, `${kind} ${apiVersion}`);
  });
});
