/**
 * The Security Health Review as the console needs it: the same review service the admin API
 * calls (src/admin/review-service.ts) satisfies this shape, so a review run, an accepted risk
 * or a revocation from the console takes the one write path.
 */
import type { JsonReport } from '../../review/report/json.js';

export interface ConsoleReviewSummary {
  readonly id: string;
  readonly generatedAt: Date;
  readonly score: number;
  readonly grade: string;
  readonly baseline: string;
  readonly appCount: number;
}

export interface ConsoleAcceptedRisk {
  readonly id: string;
  readonly control: string;
  readonly subject: string;
  readonly reason: string;
  readonly owner: string;
  readonly expires: Date;
}

export interface ConsoleReview {
  /** Reviews the org as it is now and keeps the result. */
  run(): Promise<{ readonly id: string }>;
  /** Stored reviews, newest first. */
  list(limit?: number): Promise<readonly ConsoleReviewSummary[]>;
  get(id: string): Promise<ConsoleReviewSummary & { readonly report: JsonReport }>;
  listAcceptedRisks(): Promise<readonly ConsoleAcceptedRisk[]>;
  acceptRisk(input: { control: string; subject: string; reason: string; owner: string; expires: Date }): Promise<unknown>;
  revokeRisk(id: string): Promise<void>;
}
