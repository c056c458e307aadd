import { isIP } from 'node:net';

/**
 * Parses a bare IP address (no brackets, no zone, no port) into its bytes: 4 for IPv4, 16 for IPv6.
 * Returns `undefined` for anything `node:net`'s `isIP` rejects, so the accepted syntax is Node's.
 *
 * @example
 * ```ts
 * parseIp('10.0.0.1');  // Uint8Array [10, 0, 0, 1]
 * parseIp('::1');       // 16 bytes, the last one 1
 * parseIp('10.0.0.1:8333'); // undefined
 * ```
 */
export function parseIp(text: string): Uint8Array | undefined {
  const family = isIP(text);
  if (family === 4) return Uint8Array.from(text.split('.'), Number);
  if (family !== 6 || text.includes('%')) return undefined;

  const bytes = new Uint8Array(16);
  let groups = text.split(':');
  // An embedded dotted quad (::ffff:1.2.3.4) stands for the last two 16-bit groups.
  const last = groups[groups.length - 1] ?? '';
  let tail: number[] = [];
  if (last.includes('.')) {
    tail = last.split('.').map(Number);
    groups = groups.slice(0, -1);
  }
  const words = expandGroups(groups, 8 - tail.length / 2);
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  bytes.set(tail, 16 - tail.length);
  return bytes;
}

/** Turns hex groups with at most one `::` (already validated by isIP) into exactly `count` words. */
function expandGroups(groups: readonly string[], count: number): number[] {
  const gap = groups.indexOf('');
  if (gap < 0) return groups.map((g) => parseInt(g, 16));
  // '::' splits into empty strings: one in the middle, two at either end, three for '::' alone.
  const head = groups
    .slice(0, gap)
    .filter((g) => g !== '')
    .map((g) => parseInt(g, 16));
  const rest = groups
    .slice(gap)
    .filter((g) => g !== '')
    .map((g) => parseInt(g, 16));
  return [...head, ...new Array<number>(count - head.length - rest.length).fill(0), ...rest];
}

/**
 * Formats 4 or 16 address bytes canonically: dotted decimal for IPv4; for IPv6 the RFC 5952 form —
 * lowercase hex, no leading zeros, the longest run (first on a tie) of two or more zero groups as `::`.
 * One spelling per address is what makes it usable as a map key.
 *
 * @example
 * ```ts
 * formatIp(parseIp('2001:DB8:0:0:0:0:0:1')!); // '2001:db8::1'
 * ```
 */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) throw new RangeError(`an IP address has 4 or 16 bytes, got ${bytes.length}`);
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));

  let bestStart = -1;
  let bestLength = 1; // a single zero group is never compressed (RFC 5952 §4.2.2)
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
}

/**
 * Returns the 4 IPv4 bytes if `bytes` is an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else
 * `bytes` unchanged. A dual-stack socket reports IPv4 peers in the mapped form; unmapping makes both
 * spellings the same host.
 *
 * @example
 * ```ts
 * formatIp(unmapIpv4(parseIp('::ffff:1.2.3.4')!)); // '1.2.3.4'
 * ```
 */
export function unmapIpv4(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== 16) return bytes;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return bytes;
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return bytes;
  return bytes.slice(12);
}
