import type { Issue } from '../issues.js';
import { type Obj, obj } from '../model/read-fields.js';
import { nameIsDNSSubdomain } from './formats.js';
import { validateObjectMeta } from './validate-meta.js';

/** ValidateNode on create (pkg/apis/core/validation): a cluster-scoped DNS-1123 subdomain name. */
export function validateNode(node: Obj): Issue[] {
  return validateObjectMeta(obj(node.metadata), { namespaced: false, nameRule: nameIsDNSSubdomain });
}
