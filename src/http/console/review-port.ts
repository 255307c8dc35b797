/** The Security Health Review as the console needs it (implemented over src/review). */
import type { AppReviewStatus } from './pages/app-pages.js';

export interface ConsoleReview {
  /** Per-app status from the latest review, by app name; null when no review has run. */
  latestStatusByApp(): Promise<ReadonlyMap<string, AppReviewStatus> | null>;
}
