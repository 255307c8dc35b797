/**
 * Renders the control catalogue as Markdown: one page per control and an index. The pages in
 * docs/controls/ are written from this, and a test fails when they drift from the code.
 */
import type { Control, RiskCondition } from '../engine/control.js';
import { bandOfScore } from '../engine/severity.js';

function conditionLines(conditions: readonly RiskCondition[]): string {
  if (conditions.length === 0) return '- None defined.';
  return conditions
    .map((c) => {
      const moves = Object.entries(c.overrides)
        .map(([metric, value]) => `${metric}:${value}`)
        .join(', ');
      return `- \`${c.id}\`: ${c.description}${moves ? ` (sets ${moves})` : ''}`;
    })
    .join('\n');
}

/** One control's page. */
export function renderControlDoc(control: Control): string {
  const m = control.metadata;
  const [lo, hi] = m.cvss.range;
  return `# ${m.name}

<!-- Generated from src/review/controls; edit the control, then run UPDATE_DOCS=1 npx vitest run test/review/control-docs.test.ts -->

| Field | Value |
| --- | --- |
| Id | \`${control.id}\` |
| Family | ${m.family} |
| Applies to | ${control.scope === 'org' ? 'the org' : 'each app'}${m.needsTraffic ? ' (needs the login history; not applicable offline)' : ''} |
| Risk category | ${capitalize(m.cvss.category)} (what the review score weighs; a baseline may change it) |
| Estimated CVSS range | ${rangeLabel(m.cvss.range)} (${lo.toFixed(1)}–${hi.toFixed(1)})${straddles(m.cvss.range) ? `: a failing finding's severity is the band of its own score, so it may be ${bandOfScore(lo)} and escape \`--fail-on ${bandOfScore(hi)}\`` : ''} |
| CVSS 3.1 base vector | \`${m.cvss.baseVector}\` |

## Recommended configuration

${m.recommendedConfiguration}

## Overview

${m.overview}

## Security risk if not configured

${m.riskIfNotConfigured}

## Threat scenarios

${m.threatScenarios}

## Risk impact considerations

${m.riskImpactConsiderations}

## Higher risk when

${conditionLines(m.higherRiskWhen)}

## Low risk when

${conditionLines(m.lowRiskWhen)}

Low-risk conditions lower the score only when no higher-risk condition holds.

## Business and integration considerations

${m.businessConsiderations}

## Recommended remediation

${m.remediation.map((s, i) => `${i + 1}. ${s}`).join('\n')}

## Security Health Review guidance

${m.guidance}

## References

${m.references.map((r) => `- [${r.title}](${r.url})`).join('\n')}
`;
}

/** The index page listing every control. */
export function renderControlIndex(controls: readonly Control[]): string {
  const rows = controls
    .map((c) => {
      const [lo, hi] = c.metadata.cvss.range;
      return `| [\`${c.id}\`](${c.id}.md) | ${c.metadata.name} | ${capitalize(c.metadata.cvss.category)} | ${rangeLabel(c.metadata.cvss.range)} ${lo.toFixed(1)}–${hi.toFixed(1)} |`;
    })
    .join('\n');
  return `# Review controls

<!-- Generated from src/review/controls/index.ts; see docs/review.md for scoring, baselines and outputs. -->

Every control Keygate's security health review evaluates, one page each. The id is what
\`--fail-on\`, accepted risks, custom baselines and SARIF rules refer to.

| Id | Control | Default category | Estimated CVSS range |
| --- | --- | --- | --- |
${rows}
`;
}

/** Whether a range spans two CVSS severity bands (the IP relaxation control's 6.0–8.5 does). */
function straddles([lo, hi]: readonly [number, number]): boolean {
  return bandOfScore(lo) !== bandOfScore(hi);
}

/**
 * A range named by the bands its ends fall in ("High", or "Medium–High"), never by the
 * control's category alone, which would call a 6.0 "High".
 */
export function rangeLabel(range: readonly [number, number]): string {
  const [lo, hi] = range.map((n) => capitalize(bandOfScore(n)));
  return lo === hi ? lo! : `${lo}–${hi}`;
}

function capitalize(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}
