/**
 * CVSS 3.1 base scores (FIRST, CVSS v3.1 specification §7), computed with `ae-cvss-calculator`.
 * The library parses leniently, so every vector is checked against a strict grammar first:
 * the eight base metrics, each once, in the specification's order, nothing else.
 */
import cvssLibrary from 'ae-cvss-calculator';

/** A base metric's allowed values (CVSS v3.1 §2). */
export interface CvssBaseMetrics {
  readonly AV: 'N' | 'A' | 'L' | 'P';
  readonly AC: 'L' | 'H';
  readonly PR: 'N' | 'L' | 'H';
  readonly UI: 'N' | 'R';
  readonly S: 'U' | 'C';
  readonly C: 'N' | 'L' | 'H';
  readonly I: 'N' | 'L' | 'H';
  readonly A: 'N' | 'L' | 'H';
}

/** Metric values a risk condition sets on the base vector. */
export type CvssOverrides = Partial<CvssBaseMetrics>;

const METRIC_ORDER = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'] as const;

/** The whole grammar of a CVSS 3.1 base vector, anchored: no temporal or environmental metrics. */
export const CVSS31_BASE_VECTOR = /^CVSS:3\.1\/AV:[NALP]\/AC:[LH]\/PR:[NLH]\/UI:[NR]\/S:[UC]\/C:[NLH]\/I:[NLH]\/A:[NLH]$/;

/** A vector that is not a strict CVSS 3.1 base vector. */
export class InvalidCvssVectorError extends Error {
  constructor(readonly vector: string) {
    super(`"${vector}" is not a CVSS 3.1 base vector (expected CVSS:3.1/AV:_/AC:_/PR:_/UI:_/S:_/C:_/I:_/A:_)`);
    this.name = 'InvalidCvssVectorError';
  }
}

/** Throws {@link InvalidCvssVectorError} unless `vector` matches {@link CVSS31_BASE_VECTOR}. */
export function assertCvssVector(vector: string): void {
  if (!CVSS31_BASE_VECTOR.test(vector)) throw new InvalidCvssVectorError(vector);
}

/** Parses a strictly valid base vector into its metrics. */
export function parseCvssVector(vector: string): CvssBaseMetrics {
  assertCvssVector(vector);
  const entries = vector
    .slice('CVSS:3.1/'.length)
    .split('/')
    .map((part) => part.split(':') as [string, string]);
  return Object.fromEntries(entries) as unknown as CvssBaseMetrics;
}

/** Writes metrics back as a vector in the specification's order. */
export function formatCvssVector(metrics: CvssBaseMetrics): string {
  return `CVSS:3.1/${METRIC_ORDER.map((m) => `${m}:${metrics[m]}`).join('/')}`;
}

/** Applies overrides to a base vector, later overrides winning. */
export function applyCvssOverrides(vector: string, overrides: readonly CvssOverrides[]): string {
  let metrics = parseCvssVector(vector);
  for (const o of overrides) metrics = { ...metrics, ...o };
  return formatCvssVector(metrics);
}

// The library is slow per call; reviews see few distinct vectors, so scores are memoised.
const scoreCache = new Map<string, number>();

/** The CVSS 3.1 base score of a strictly valid vector. */
export function scoreCvssVector(vector: string): number {
  const cached = scoreCache.get(vector);
  if (cached !== undefined) return cached;
  assertCvssVector(vector);
  const score = new cvssLibrary.Cvss3P1(vector).calculateScores().base;
  if (typeof score !== 'number' || !Number.isFinite(score)) throw new InvalidCvssVectorError(vector);
  scoreCache.set(vector, score);
  return score;
}

/**
 * Places a raw score in a range: clamped into `from` (the control's estimated range), then,
 * when `to` differs, mapped linearly onto it so that order is kept when a baseline moves the
 * control to another band. Rounded to one decimal.
 */
export function placeScore(raw: number, from: readonly [number, number], to: readonly [number, number]): number {
  const [lo, hi] = from;
  const clamped = Math.min(hi, Math.max(lo, raw));
  if (to[0] === lo && to[1] === hi) return round1(clamped);
  const fraction = hi === lo ? 1 : (clamped - lo) / (hi - lo);
  return round1(to[0] + fraction * (to[1] - to[0]));
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
