import { describe, expect, it } from 'vitest';
import { describeTimeLeft, isExpiringSoon } from '../../src/domain/certificate.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('describeTimeLeft', () => {
  it.each([
    [365 * DAY - 60_000, '365 days'], // keygen's certificate: a year, less the minute it is back-dated
    [10 * DAY - 60_000, '10 days'],
    [2 * DAY, '2 days'],
    [2 * DAY - 1, '47 hours'],
    [HOUR, '1 hour'],
    [HOUR - 1, 'less than an hour'],
    [1, 'less than an hour'],
  ])('%d ms before expiry reads "%s"', (ms, words) => {
    expect(describeTimeLeft(later(ms), NOW)).toBe(words);
  });

  it('is null at and after the expiry instant', () => {
    expect(describeTimeLeft(NOW, NOW)).toBeNull();
    expect(describeTimeLeft(later(-DAY), NOW)).toBeNull();
  });
});

describe('isExpiringSoon', () => {
  it('holds for a valid certificate with under 30 days left, not for one already expired or further off', () => {
    expect(isExpiringSoon(later(30 * DAY - 1), NOW)).toBe(true);
    expect(isExpiringSoon(later(1), NOW)).toBe(true);
    expect(isExpiringSoon(later(30 * DAY), NOW)).toBe(false);
    expect(isExpiringSoon(NOW, NOW)).toBe(false);
  });
});
