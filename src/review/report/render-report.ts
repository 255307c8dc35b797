/**
 * One entry point for every output format the CLI's `--format` names.
 */
import type { Control } from '../engine/control.js';
import type { ReviewResult } from '../engine/review.js';
import { renderCsv } from './csv.js';
import { renderHtml, type ScorePoint } from './html.js';
import { renderJson } from './json.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'html' | 'csv';

export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif', 'html', 'csv'];

/** Whether a string names a report format. */
export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

export interface RenderOptions {
  readonly controls: readonly Control[];
  readonly toolVersion: string;
  readonly color?: boolean;
  readonly verbose?: boolean;
  readonly history?: readonly ScorePoint[];
  readonly docsUri?: string;
}

/** Renders a review in the given format. */
export function renderReport(result: ReviewResult, format: ReportFormat, options: RenderOptions): string {
  switch (format) {
    case 'text':
      return renderText(result, { ...(options.color !== undefined ? { color: options.color } : {}), ...(options.verbose !== undefined ? { verbose: options.verbose } : {}) });
    case 'json':
      return renderJson(result);
    case 'sarif':
      return renderSarif(result, { controls: options.controls, toolVersion: options.toolVersion, ...(options.docsUri ? { docsUri: options.docsUri } : {}) });
    case 'html':
      return renderHtml(result, options.history ? { history: options.history } : {});
    case 'csv':
      return renderCsv(result);
  }
}
