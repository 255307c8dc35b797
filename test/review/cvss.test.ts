import { describe, expect, it } from 'vitest';
import { CONTROLS } from '../../src/review/controls/index.js';
import {
  applyCvssOverrides,
  assertCvssVector,
  InvalidCvssVectorError,
  placeScore,
  scoreCvssVector,
} from '../../src/review/engine/cvss.js';

describe('CVSS 3.1 vectors', () => {
  it('scores reference vectors as the CVSS 3.1 specification does', () => {
    expect(scoreCvssVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    expect(scoreCvssVector('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N')).toBe(7.4);
    expect(scoreCvssVector('CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N')).toBe(5.5);
  });

  it.each([
    ['a CVSS 3.0 prefix', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['no prefix', 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['a missing metric', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H'],
    ['metrics out of order', 'CVSS:3.1/AC:L/AV:N/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['a duplicate metric', 'CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['an unknown value', 'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['a temporal metric', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P'],
    ['lower case', 'cvss:3.1/av:n/ac:l/pr:n/ui:n/s:u/c:h/i:h/a:h'],
    ['surrounding spaces', ' CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['a trailing slash', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/'],
    ['parentheses the library would strip', '(CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H)'],
  ])('rejects %s before scoring', (_label, vector) => {
    expect(() => assertCvssVector(vector)).toThrow(InvalidCvssVectorError);
    expect(() => scoreCvssVector(vector)).toThrow(InvalidCvssVectorError);
  });

  it('applies overrides in order and keeps the specification order', () => {
    expect(applyCvssOverrides('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N', [{ S: 'C' }, { AC: 'L' }, { AC: 'H' }])).toBe(
      'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:N',
    );
  });

  it('clamps into the control range and maps onto another band in order', () => {
    expect(placeScore(9.1, [7.0, 8.9], [7.0, 8.9])).toBe(8.9);
    expect(placeScore(6.8, [7.0, 8.9], [7.0, 8.9])).toBe(7.0);
    expect(placeScore(7.0, [7.0, 8.9], [9.0, 10.0])).toBe(9.0);
    expect(placeScore(8.9, [7.0, 8.9], [9.0, 10.0])).toBe(10.0);
    expect(placeScore(7.4, [7.0, 8.9], [9.0, 10.0])).toBe(9.2);
  });

  it("every control's base vector scores inside the control's own range, so a finding with no condition reports its vector's own score", () => {
    const outside = CONTROLS.filter((c) => {
      const score = scoreCvssVector(c.metadata.cvss.baseVector);
      return score < c.metadata.cvss.range[0] || score > c.metadata.cvss.range[1];
    }).map((c) => `${c.id}: ${scoreCvssVector(c.metadata.cvss.baseVector)} outside ${c.metadata.cvss.range.join('–')}`);
    expect(outside).toEqual([]);
  });

  it('every control has a strictly valid base vector and a range inside 0–10', () => {
    for (const c of CONTROLS) {
      expect(() => assertCvssVector(c.metadata.cvss.baseVector), c.id).not.toThrow();
      const [lo, hi] = c.metadata.cvss.range;
      expect(lo, c.id).toBeGreaterThanOrEqual(0);
      expect(hi, c.id).toBeLessThanOrEqual(10);
      expect(lo, c.id).toBeLessThanOrEqual(hi);
      for (const cond of [...c.metadata.higherRiskWhen, ...c.metadata.lowRiskWhen]) {
        expect(() => applyCvssOverrides(c.metadata.cvss.baseVector, [cond.overrides]), `${c.id} ${cond.id}`).not.toThrow();
      }
    }
  });
});
