/**
 * The Security Health Review as the console needs it: the part of the review service
 * (src/admin/review-service.ts) that the console calls, so that a review run, an accepted risk
 * or a revocation from the console takes the same write path as the admin API.
 */
import type { ReviewService } from '../../admin/review-service.js';

export type ConsoleReview = Pick<ReviewService, 'run' | 'list' | 'get' | 'listAcceptedRisks' | 'acceptRisk' | 'revokeRisk'>;
