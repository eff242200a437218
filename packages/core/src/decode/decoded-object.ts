import type { LoadedObject } from '../load/loaded-object.js';
import type { KindName, KindObject } from './schema.js';

/** A loaded object after the decode check: its value has its kind's static type. */
export interface DecodedOf<K extends KindName> {
  kind: K;
  /** Where it came from (positions, source), for origins and issues. */
  object: LoadedObject;
  value: KindObject<K>;
}

/** Any decoded object, discriminated by `kind`. */
export type DecodedObject = { [K in KindName]: DecodedOf<K> }[KindName];
