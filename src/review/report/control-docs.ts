/**
 * Renders the control catalogue as Markdown: one page per control and an index. The pages in
 * docs/controls/ are written from this, and a test fails when they drift from the code.
 */
import type { Control, RiskCondition } from '../engine/control.js';

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
| Estimated CVSS range | ${capitalize(m.cvss.category)} (${lo.toFixed(1)}–${hi.toFixed(1)}) |
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
    .map((c) => `| [\`${c.id}\`](${c.id}.md) | ${c.metadata.name} | ${capitalize(c.metadata.cvss.category)} ${c.metadata.cvss.range[0].toFixed(1)}–${c.metadata.cvss.range[1].toFixed(1)} |`)
    .join('\n');
  return `# Review controls

<!-- Generated from src/review/controls/index.ts; see docs/review.md for scoring, baselines and outputs. -->

Every control Keygate's security health review evaluates, one page each. The id is what
\`--fail-on\`, accepted risks, custom baselines and SARIF rules refer to.

| Id | Control | Default category and CVSS range |
| --- | --- | --- |
${rows}
`;
}

function capitalize(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}
