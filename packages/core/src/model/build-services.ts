import { at } from '../at.js';
import type { DecodedOf } from '../load/decoded-object.js';
import { AddressAllocator } from './address-allocator.js';
import { protocolOf } from './build-pods.js';
import { parseIp } from './cidr.js';
import { sortByNsName } from './compare-ns-name.js';
import type { ServiceModel } from './types.js';

/**
 * Services with their ClusterIP (as declared, else made up from `serviceCidr`, never an
 * address one of `pods` holds), selector and ports (`targetPort` defaults to `port`). Headless and
 * ExternalName Services get no ClusterIP. Sorted by namespace, then name.
 */
export function buildServices(
  objects: readonly DecodedOf<'Service'>[],
  namespaceOf: (meta: { namespace?: string } | undefined) => string,
  serviceCidr: string,
  pods: readonly { ips: readonly string[] }[],
): ServiceModel[] {
  const named = sortByNsName(
    objects.map((o) => ({ o, namespace: namespaceOf(o.value.metadata), name: o.value.metadata?.name ?? '' })),
  );
  const alloc = new AddressAllocator(serviceCidr);
  // Indexed: one pass over 150,000 pods, mostly before it is optimized (no iterator per pod).
  for (let k = 0; k < pods.length; k++) {
    const { ips } = at(pods, k);
    for (let i = 0; i < ips.length; i++) alloc.reserve(at(ips, i));
  }
  for (const { o } of named) {
    const ip = o.value.spec?.clusterIP;
    if (ip && parseIp(ip)) alloc.reserve(ip);
  }
  return named.map(({ o, namespace, name }) => {
    const spec = o.value.spec ?? {};
    const declaredIp = spec.clusterIP;
    const type = spec.type || 'ClusterIP';
    let clusterIP: string | undefined;
    if (declaredIp && parseIp(declaredIp)) clusterIP = declaredIp;
    else if (declaredIp !== 'None' && type !== 'ExternalName') clusterIP = alloc.allocate(`${namespace}/${name}`);
    const selector = spec.selector && Object.keys(spec.selector).length > 0 ? spec.selector : undefined;
    return {
      id: `${namespace}/${name}`,
      namespace,
      name,
      clusterIP,
      selector,
      ports: (spec.ports ?? []).map((port) => {
        const number = port.port ?? 0;
        const target = port.targetPort;
        return {
          name: port.name,
          port: number,
          targetPort: typeof target === 'number' || (typeof target === 'string' && target !== '') ? target : number,
          protocol: protocolOf(port.protocol),
        };
      }),
      origin: { object: o.object, path: [] },
    };
  });
}
