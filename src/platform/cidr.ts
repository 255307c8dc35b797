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
