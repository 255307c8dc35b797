/** IP ranges as the network policy reads them: IPv4, IPv6, IPv4-mapped IPv6, and remembered answers. */
import { describe, expect, it } from 'vitest';
import { IpRangeSet, clientNetworkOf, parseCidr } from '../../src/platform/cidr.js';

describe('IpRangeSet', () => {
  const set = new IpRangeSet(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32']);

  it('answers for IPv4, a single host, IPv6 and IPv4-mapped IPv6', () => {
    expect(set.contains('10.1.2.3')).toBe(true);
    expect(set.contains('11.0.0.1')).toBe(false);
    expect(set.contains('192.0.2.7')).toBe(true);
    expect(set.contains('192.0.2.8')).toBe(false);
    expect(set.contains('2001:db8::1')).toBe(true);
    expect(set.contains('2001:db9::1')).toBe(false);
    expect(set.contains('::ffff:10.9.9.9')).toBe(true);
    expect(set.contains('::ffff:11.9.9.9')).toBe(false);
  });

  it('never matches something that is not an address', () => {
    expect(set.contains('')).toBe(false);
    expect(set.contains('10.0.0.0/8')).toBe(false);
    expect(set.contains('localhost')).toBe(false);
  });

  it('gives the same answer the second time, and keeps answering past its memory bound', () => {
    for (let i = 0; i < 5000; i += 1) expect(set.contains(`10.0.${i >> 8}.${i & 255}`)).toBe(true);
    expect(set.contains('11.0.0.1')).toBe(false);
    expect(set.contains('11.0.0.1')).toBe(false);
    expect(set.contains('10.0.0.1')).toBe(true);
  });

  it('an empty set contains nothing', () => {
    expect(new IpRangeSet([]).contains('127.0.0.1')).toBe(false);
  });

  it('refuses a range that is not CIDR', () => {
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/not a valid CIDR/);
    expect(() => new IpRangeSet(['nonsense'])).toThrow(/not a valid CIDR/);
  });
});

describe('clientNetworkOf', () => {
  it('writes an IPv4 address, also IPv4-mapped in any spelling, as the IPv4 address', () => {
    for (const spelling of ['192.0.2.20', '::ffff:192.0.2.20', '::FFFF:c000:214', '0:0:0:0:0:ffff:192.0.2.20', '::ffff:c000:0214']) {
      expect(clientNetworkOf(spelling)).toBe('192.0.2.20');
    }
  });

  it('writes an IPv6 address as its /64 in one spelling, without a zone id', () => {
    for (const spelling of ['2001:db8:1:2::1', '2001:DB8:1:2:0:0:0:1', '2001:db8:1:2::1%eth0', '2001:0db8:0001:0002::abcd', '2001:db8:1:2:ffff:ffff:ffff:ffff']) {
      expect(clientNetworkOf(spelling)).toBe('2001:db8:1:2::/64');
    }
    expect(clientNetworkOf('2001:db8:0:0:1::')).toBe('2001:db8::/64');
    expect(clientNetworkOf('::1')).toBe('::/64');
    expect(clientNetworkOf('fe80::1%a.b:c')).toBe('fe80::/64');
    expect(clientNetworkOf('64:ff9b::192.0.2.1')).toBe('64:ff9b::/64');
  });

  it('returns anything that is not an address as it is', () => {
    expect(clientNetworkOf('unknown')).toBe('unknown');
  });
});
