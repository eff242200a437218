import { parseCidr } from '../model/cidr.js';
import { isObj } from '../model/read-fields.js';
import type { CelRule, CrdSchema } from './crd-schema.js';

/**
 * The OpenAPI schemas of the policy.networking.k8s.io CRDs, experimental channel (a superset
 * of standard: it adds egress `nodes` and `domainNames`, and v1alpha1 `namedPort`), written
 * from kubernetes-sigs/network-policy-api:
 * - ClusterNetworkPolicy v1alpha2: config/crd/experimental/policy.networking.k8s.io_clusternetworkpolicies.yaml
 *   at 0eec1b0e5fa92715b4c0f4c48d3c8d2913ed2159 (main);
 * - AdminNetworkPolicy / BaselineAdminNetworkPolicy v1alpha1: config/crd/experimental/
 *   policy.networking.k8s.io_{adminnetworkpolicies,baselineadminnetworkpolicies}.yaml at v0.1.8
 *   (5a62954284765fb16f2e601f11907ca0b839b89f).
 * Each CEL rule names its line there. docs/admin-tiers.md has the semantics.
 */

const CNP_CRD = 'clusternetworkpolicies.yaml@0eec1b0';
const ANP_CRD = 'adminnetworkpolicies.yaml@v0.1.8';
const BANP_CRD = 'baselineadminnetworkpolicies.yaml@v0.1.8';

const str: CrdSchema = { type: 'string' };
const strings: CrdSchema = { type: 'array', items: str };
const obj = (
  properties: Record<string, CrdSchema>,
  more: Omit<Extract<CrdSchema, { type: 'object' }>, 'type' | 'properties'> = {},
): CrdSchema => ({ type: 'object', properties, ...more });
const port: CrdSchema = { type: 'integer', minimum: 1, maximum: 65535 };

/** metav1.LabelSelector as the CRD generator writes it: operators and keys unchecked. */
const selector = obj({
  matchExpressions: {
    type: 'array',
    items: obj({ key: str, operator: str, values: strings }, { required: ['key', 'operator'] }),
  },
  matchLabels: { type: 'map', values: str },
});

/** CEL `isCIDR` (k8s.io/apiserver cel library): netip.ParsePrefix, IPv4-mapped IPv6 refused. */
export function isCIDR(text: string): boolean {
  const cidr = parseCidr(text);
  if (!cidr) return false;
  return !(cidr.family === 6 && /^::ffff:/i.test(text) && text.includes('.'));
}

const cidrRule = (source: string): CelRule => ({
  rule: 'isCIDR(self)',
  message: 'Invalid CIDR format provided',
  holds: (self) => typeof self === 'string' && isCIDR(self),
  source,
});

const networks = (source: string): CrdSchema => ({
  type: 'array',
  items: { type: 'string', maxLength: 43, rules: [cidrRule(source)] },
  minItems: 1,
  maxItems: 25,
  set: true,
});

const DOMAIN_NAME_PATTERN =
  '^(\\*\\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.?$';
const domainNames: CrdSchema = {
  type: 'array',
  items: { type: 'string', pattern: DOMAIN_NAME_PATTERN },
  minItems: 1,
  maxItems: 25,
  set: true,
};

const has = (value: unknown, key: string) => isObj(value) && value[key] !== undefined && value[key] !== null;
const list = (value: unknown, key: string): unknown[] => {
  const items = isObj(value) ? value[key] : undefined;
  return Array.isArray(items) ? items : [];
};

/** The egress rule's rule: peers without pods have no named ports. */
function namedPortRule(peerKinds: readonly string[], portsKey: string, namedKey: string, source: string): CelRule {
  const kinds = peerKinds.join('/');
  return {
    rule: `!(self.to.exists(peer, ${peerKinds.map((k) => `has(peer.${k})`).join(' || ')}) && has(self.${portsKey}) && self.${portsKey}.exists(p, has(p.${namedKey})))`,
    message: `${kinds} peer cannot be set with namedPorts since there are no namedPorts for ${kinds}`,
    holds: (self) =>
      !(
        list(self, 'to').some((peer) => peerKinds.some((k) => has(peer, k))) &&
        list(self, portsKey).some((p) => has(p, namedKey))
      ),
    source,
  };
}

// ---- ClusterNetworkPolicy v1alpha2 ----

const cnpPods = obj({ namespaceSelector: selector, podSelector: selector }, { required: ['podSelector'] });

const rangeRule = (line: number): CelRule => ({
  rule: 'self.start < self.end',
  message: 'Start port must be less than End port',
  holds: (self) =>
    isObj(self) && typeof self.start === 'number' && typeof self.end === 'number' && self.start < self.end,
  source: `${CNP_CRD}:${line}`,
});

/** `tcp`/`udp`/`sctp`: an optional destinationPort, a number or a range. */
const cnpProtocol = (rangeLine: number): CrdSchema =>
  obj(
    {
      destinationPort: obj(
        {
          number: port,
          range: obj({ start: port, end: port }, { required: ['end', 'start'], rules: [rangeRule(rangeLine)] }),
        },
        { minProperties: 1, maxProperties: 1 },
      ),
    },
    { minProperties: 1 },
  );

/** Lines of the three range rules in the egress (first) and ingress (second) blocks. */
const cnpProtocols = (lines: readonly [number, number, number]): CrdSchema => ({
  type: 'array',
  items: obj(
    {
      destinationNamedPort: str,
      tcp: cnpProtocol(lines[0]),
      udp: cnpProtocol(lines[1]),
      sctp: cnpProtocol(lines[2]),
    },
    { minProperties: 1, maxProperties: 1 },
  ),
  minItems: 1,
  maxItems: 25,
});

const cnpAction: CrdSchema = { type: 'string', enum: ['Accept', 'Deny', 'Pass'] };
const ruleName: CrdSchema = { type: 'string', maxLength: 100 };

const cnpSpec = obj(
  {
    tier: { type: 'string', enum: ['Admin', 'Baseline'] },
    priority: { type: 'integer', minimum: 0, maximum: 1000 },
    subject: obj({ namespaces: selector, pods: cnpPods }, { minProperties: 1, maxProperties: 1 }),
    ingress: {
      type: 'array',
      maxItems: 25,
      items: obj(
        {
          name: ruleName,
          action: cnpAction,
          from: {
            type: 'array',
            minItems: 1,
            maxItems: 25,
            items: obj({ namespaces: selector, pods: cnpPods }, { minProperties: 1, maxProperties: 1 }),
          },
          protocols: cnpProtocols([865, 909, 953]),
        },
        { required: ['action', 'from'] },
      ),
    },
    egress: {
      type: 'array',
      maxItems: 25,
      items: obj(
        {
          name: ruleName,
          action: cnpAction,
          to: {
            type: 'array',
            minItems: 1,
            maxItems: 25,
            items: obj(
              {
                namespaces: selector,
                pods: cnpPods,
                networks: networks(`${CNP_CRD}:391`),
                nodes: selector,
                domainNames,
              },
              { minProperties: 1, maxProperties: 1 },
            ),
          },
          protocols: cnpProtocols([162, 206, 250]),
        },
        {
          required: ['action', 'to'],
          rules: [
            namedPortRule(['networks', 'nodes', 'domainNames'], 'protocols', 'destinationNamedPort', `${CNP_CRD}:567`),
          ],
        },
      ),
    },
  },
  { required: ['priority', 'subject', 'tier'] },
);

const status: CrdSchema = { type: 'any' };
const root = (spec: CrdSchema, rules?: readonly CelRule[]): CrdSchema =>
  obj(
    { apiVersion: str, kind: str, metadata: { type: 'any' }, spec, status },
    { required: ['metadata', 'spec'], ...(rules ? { rules } : {}) },
  );

export const CLUSTER_NETWORK_POLICY_SCHEMA = root(cnpSpec);

// ---- AdminNetworkPolicy / BaselineAdminNetworkPolicy v1alpha1 ----

const anpPods = obj(
  { namespaceSelector: selector, podSelector: selector },
  { required: ['namespaceSelector', 'podSelector'] },
);
/** `protocol` is required but defaulted to TCP before validation: never missing. */
const protocolDefaultTCP: CrdSchema = { type: 'string' };
const anpPorts: CrdSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 100,
  items: obj(
    {
      namedPort: str,
      portNumber: obj({ port, protocol: protocolDefaultTCP }, { required: ['port'] }),
      portRange: obj({ start: port, end: port, protocol: protocolDefaultTCP }, { required: ['end', 'start'] }),
    },
    { minProperties: 1, maxProperties: 1 },
  ),
};

function v1alpha1Spec(kind: 'anp' | 'banp'): CrdSchema {
  const action: CrdSchema = { type: 'string', enum: kind === 'anp' ? ['Allow', 'Deny', 'Pass'] : ['Allow', 'Deny'] };
  const crd = kind === 'anp' ? ANP_CRD : BANP_CRD;
  const egressPeer: Record<string, CrdSchema> = {
    namespaces: selector,
    pods: anpPods,
    networks: networks(`${crd}:${kind === 'anp' ? 293 : 248}`),
    nodes: selector,
  };
  if (kind === 'anp') egressPeer.domainNames = domainNames;
  const namedPortKinds = kind === 'anp' ? ['networks', 'nodes', 'domainNames'] : ['networks', 'nodes'];
  const properties: Record<string, CrdSchema> = {
    subject: obj({ namespaces: selector, pods: anpPods }, { minProperties: 1, maxProperties: 1 }),
    ingress: {
      type: 'array',
      maxItems: 100,
      items: obj(
        {
          name: ruleName,
          action,
          from: {
            type: 'array',
            minItems: 1,
            maxItems: 100,
            items: obj({ namespaces: selector, pods: anpPods }, { minProperties: 1, maxProperties: 1 }),
          },
          ports: anpPorts,
        },
        { required: ['action', 'from'] },
      ),
    },
    egress: {
      type: 'array',
      maxItems: 100,
      items: obj(
        {
          name: ruleName,
          action,
          to: {
            type: 'array',
            minItems: 1,
            maxItems: 100,
            items: obj(egressPeer, { minProperties: 1, maxProperties: 1 }),
          },
          ports: anpPorts,
        },
        {
          required: ['action', 'to'],
          rules: [namedPortRule(namedPortKinds, 'ports', 'namedPort', `${crd}:${kind === 'anp' ? 470 : 425}`)],
        },
      ),
    },
  };
  if (kind === 'anp') properties.priority = { type: 'integer', minimum: 0, maximum: 1000 };
  return obj(properties, { required: kind === 'anp' ? ['priority', 'subject'] : ['subject'] });
}

export const ADMIN_NETWORK_POLICY_SCHEMA = root(v1alpha1Spec('anp'));

export const BASELINE_ADMIN_NETWORK_POLICY_SCHEMA = root(v1alpha1Spec('banp'), [
  {
    rule: "self.metadata.name == 'default'",
    message: 'Only one baseline admin network policy with metadata.name="default" can be created in the cluster',
    holds: (self) => isObj(self) && isObj(self.metadata) && self.metadata.name === 'default',
    source: `${BANP_CRD}:958`,
  },
]);
