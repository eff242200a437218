/** A pod as ipBlocks see it: anything with addresses, primary first. */
export interface AddressedPod {
  ips?: readonly string[];
}

/**
 * The address an ipBlock is matched against: the pod's primary IP (`ips[0]`) only. netpol
 * judges one connection per pair, made from the primary address, so a dual-stack pod's
 * second address never matches a peer (`check`, `matrix`, lint and the lab agree).
 */
export function podAddress(pod: AddressedPod): string | undefined {
  return pod.ips?.[0];
}
