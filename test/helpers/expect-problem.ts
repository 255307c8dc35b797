/**
 * Assertions on whole admin API error responses: problem+json (RFC 9457) with its stable
 * `code`, never stored (`Cache-Control: no-store`).
 */
import { expect } from 'vitest';
import type { Response } from './keygate-harness.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface ExpectedProblem {
  readonly code: string;
  readonly field?: string;
  /** Exact text, or a pattern; any text when left out. */
  readonly detail?: string | RegExp;
}

export function expectProblem(res: Response, status: number, problem: ExpectedProblem): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.json()).toEqual({
    type: `https://keygate.dev/problems/${problem.code}`,
    title: expect.any(String),
    status,
    code: problem.code,
    detail: problem.detail instanceof RegExp ? expect.stringMatching(problem.detail) : (problem.detail ?? expect.any(String)),
    ...(problem.field !== undefined && { field: problem.field }),
  });
}
