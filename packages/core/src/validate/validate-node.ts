import type { Issue } from '../issues.js';
import { type Obj, obj } from '../model/read-fields.js';
import type { Schema } from './decode.js';
import { nameIsDNSSubdomain } from './formats.js';
import { OBJECT_META } from './schema.js';
import { validateObjectMeta } from './validate-meta.js';

/**
 * `kind: Node` (core/v1), read for the `nodes` peers of admin policies: its labels and the
 * addresses in `status.addresses`. The Go types of the fields netpol reads, for the decode
 * check (as schema.ts does for the other built-in kinds).
 */
export const NODE: Schema & { t: 'struct' } = {
  t: 'struct',
  go: 'v1.Node',
  fields: {
    apiVersion: { t: 'string' },
    kind: { t: 'string' },
    metadata: OBJECT_META,
    spec: {
      t: 'struct',
      go: 'v1.NodeSpec',
      fields: {
        podCIDR: { t: 'string' },
        podCIDRs: { t: 'list', of: { t: 'string' } },
        providerID: { t: 'string' },
        unschedulable: { t: 'bool' },
      },
    },
    status: {
      t: 'struct',
      go: 'v1.NodeStatus',
      fields: {
        addresses: {
          t: 'list',
          of: {
            t: 'struct',
            go: 'v1.NodeAddress',
            strict: true,
            fields: { type: { t: 'string', go: 'v1.NodeAddressType' }, address: { t: 'string' } },
          },
        },
      },
    },
  },
};

/** ValidateNode on create (pkg/apis/core/validation): a cluster-scoped DNS-1123 subdomain name. */
export function validateNode(node: Obj): Issue[] {
  return validateObjectMeta(obj(node.metadata), { namespaced: false, nameRule: nameIsDNSSubdomain });
}
