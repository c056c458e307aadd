/**
 * The host of `host:port` (IPv4) or `[v6]:port`; anything else is returned as it is (a bare host,
 * or text for the caller's own check to reject). No validation: callers normalize the result with
 * `normalizeHost`/`hostToBytes`, which throw on a non-IP.
 *
 * @example
 * ```ts
 * hostOfAddress('10.0.0.1:8333');   // '10.0.0.1'
 * hostOfAddress('[::1]:8333');      // '::1'
 * hostOfAddress('2001:db8::1');     // '2001:db8::1' (a bare IPv6 has no port to strip)
 * ```
 */
export function hostOfAddress(address: string): string {
  if (typeof address !== 'string') return address;
  const v6 = /^\[([^\]]+)\]:\d+$/.exec(address);
  if (v6) return v6[1]!;
  const v4 = /^([^:]+):\d+$/.exec(address);
  return v4 ? v4[1]! : address;
}
