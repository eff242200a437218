import type { KindName, KindObject } from '../decode/schema.js';
import type { LoadedObject } from './loaded-object.js';

/** A loaded object after the decode check: its value has its kind's static type. */
export interface DecodedOf<K extends KindName> {
  kind: K;
  /** Where it came from (positions, source), for origins and issues. */
  object: LoadedObject;
  value: KindObject<K>;
}

/**
 * A custom resource (the admin policy kinds): checked against its CRD's OpenAPI schema, not
 * decoded into Go types, so its value stays untyped. `usableSelector` says whether a label
 * selector in it is one implementations can convert (validation knows; the model asks).
 */
export interface DecodedCustom {
  kind: 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
  object: LoadedObject;
  value: Record<string, unknown>;
  usableSelector(selector: unknown): boolean;
}

/** Any decoded object, discriminated by `kind`. */
export type DecodedObject = { [K in KindName]: DecodedOf<K> }[KindName] | DecodedCustom;
