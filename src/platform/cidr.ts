import { BlockList, isIP } from 'node:net';

/** Thrown for a string that is not a valid IPv4 or IPv6 CIDR range. */
export class InvalidCidrError extends Error {
  constructor(readonly value: string) {
    super(`"${value}" is not a valid CIDR range (expected e.g. 10.0.0.0/8 or 2001:db8::/32)`);
    this.name = 'InvalidCidrError';
  }
}

interface ParsedCidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** Parses `a.b.c.d/n` or `x::y/n`; a bare address means a single host. */
export function parseCidr(value: string): ParsedCidr {
  const [address = '', prefixText, ...rest] = value.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) throw new InvalidCidrError(value);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) throw new InvalidCidrError(value);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new InvalidCidrError(value);
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export function isValidCidr(value: string): boolean {
  try {
    parseCidr(value);
    return true;
  } catch {
    return false;
  }
}

/** Most client addresses an {@link IpRangeSet} remembers answers for, before it starts over. */
const REMEMBERED_ADDRESSES = 4096;

/**
 * A set of CIDR ranges with a fast membership test (Node's `net.BlockList`). `BlockList.check`
 * parses the address anew on every call, so answers are remembered per address: integrations
 * call from a handful of addresses. The set is immutable; a changed policy builds a new one.
 */
export class IpRangeSet {
  readonly #list = new BlockList();
  readonly #answers = new Map<string, boolean>();
  readonly size: number;

  constructor(ranges: readonly string[]) {
    for (const range of ranges) {
      const { address, prefix, family } = parseCidr(range);
      this.#list.addSubnet(address, prefix, family);
    }
    this.size = ranges.length;
  }

  /** Whether `address` (IPv4, IPv6, or IPv4-mapped IPv6) falls in any range. */
  contains(address: string): boolean {
    let answer = this.#answers.get(address);
    if (answer === undefined) {
      answer = this.#check(address);
      if (this.#answers.size >= REMEMBERED_ADDRESSES) this.#answers.clear();
      this.#answers.set(address, answer);
    }
    return answer;
  }

  #check(address: string): boolean {
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const version = isIP(plain);
    if (version === 0) return false;
    return this.#list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
  }
}

/** The eight 16-bit groups of an IPv6 address (zone id already removed), or null. */
function ipv6Groups(address: string): number[] | null {
  let text = address;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted) {
    if (isIP(dotted[2]!) !== 4) return null;
    const [a, b, c, d] = dotted[2]!.split('.').map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    text = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const [head = '', rest, ...more] = text.split('::');
  if (more.length > 0) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const left = parse(head);
  const right = [...parse(rest ?? ''), ...tail];
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<number>(rest === undefined ? 0 : missing).fill(0), ...right];
  return groups.some(Number.isNaN) ? null : groups;
}

/**
 * The network a client address stands for when refusals are counted against it: an IPv4
 * address itself, also when it arrives IPv4-mapped (`::ffff:192.0.2.1`, in any spelling); an
 * IPv6 address's /64, written one way (`2001:db8:1:2::/64`), since a /64 is what one host or
 * subscriber holds (RFC 6177, RFC 7421) and choosing another address in it costs nothing. A
 * zone id is dropped. Anything else (`unknown`) is returned as it is.
 */
export function clientNetworkOf(address: string): string {
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return address;
  const groups = ipv6Groups(address.replace(/%.*$/, ''));
  if (!groups) return address;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  }
  // RFC 5952 spelling: the trailing zero groups, at least the four of the interface id, are the longest run.
  const prefix = groups.slice(0, 4);
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0) end -= 1;
  const kept = prefix.slice(0, end).map((g) => g.toString(16)).join(':');
  return `${kept}::/64`;
}
