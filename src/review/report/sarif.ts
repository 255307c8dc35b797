/**
 * The SARIF 2.1.0 report (OASIS SARIF v2.1.0), as GitHub code scanning reads it: one rule per
 * control with a `security-severity` number, one result per open, unknown or accepted
 * finding, accepted ones carrying an external suppression.
 */
import { createHash } from 'node:crypto';
import type { Control } from '../engine/control.js';
import type { Finding, ReviewResult } from '../engine/review.js';
import { CATEGORY_RANGES } from '../engine/severity.js';
import { escapeJsonControls } from './printable.js';

/** The SARIF subset Keygate writes. */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly SarifRun[];
}

export interface SarifRun {
  readonly tool: { readonly driver: SarifDriver };
  readonly results: readonly SarifResult[];
  readonly properties: Readonly<Record<string, unknown>>;
}

interface SarifDriver {
  readonly name: string;
  readonly version: string;
  readonly informationUri?: string;
  readonly rules: readonly SarifRule[];
}

interface SarifMessage {
  readonly text: string;
  readonly markdown?: string;
}

interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: SarifMessage;
  readonly fullDescription: SarifMessage;
  readonly help: SarifMessage;
  readonly helpUri?: string;
  readonly defaultConfiguration: { readonly level: 'error' | 'warning' | 'note' };
  readonly properties: { readonly 'security-severity': string; readonly tags: readonly string[]; readonly precision: string };
}

interface SarifLocation {
  readonly physicalLocation?: {
    readonly artifactLocation: { readonly uri: string };
    readonly region?: { readonly startLine: number };
  };
  readonly logicalLocations: readonly { readonly name: string; readonly fullyQualifiedName: string; readonly kind: string }[];
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly kind: 'fail' | 'review';
  readonly level: 'error' | 'warning' | 'none';
  readonly message: SarifMessage;
  readonly locations: readonly SarifLocation[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
  readonly suppressions?: readonly { readonly kind: 'external'; readonly status: 'accepted'; readonly justification: string }[];
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface SarifOptions {
  /** The catalogue the review ran (rules are listed in this order). */
  readonly controls: readonly Control[];
  readonly toolVersion: string;
  /** Absolute URL of the docs folder; when given, rules link `<docsUri>/controls/<id>.md`. */
  readonly docsUri?: string;
}

const SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A stable SARIF rule name: `eca.oauth-flow.jwt-bearer-enabled` → `EcaOauthFlowJwtBearerEnabled`. */
export function ruleName(id: string): string {
  return id
    .split(/[.-]/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** Identifies a finding across runs: control, subject kind and subject. */
export function findingFingerprint(f: Pick<Finding, 'control' | 'subjectKind' | 'subject'>): string {
  return createHash('sha256').update(`${f.control}\u0000${f.subjectKind}\u0000${f.subject}`).digest('hex').slice(0, 32);
}

/** Builds the SARIF log of a review. */
export function toSarif(result: ReviewResult, options: SarifOptions): SarifLog {
  const docs = options.docsUri;
  const reported = result.findings.filter((f) => f.status !== 'pass' && f.status !== 'not_applicable');
  const worst = new Map<string, number>();
  const categoryOf = new Map<string, Finding['category']>();
  for (const f of result.findings) {
    categoryOf.set(f.control, f.category);
    if (f.cvss) worst.set(f.control, Math.max(worst.get(f.control) ?? 0, f.cvss.score));
  }
  const rules: SarifRule[] = options.controls.map((control) => {
    const m = control.metadata;
    const category = categoryOf.get(control.id) ?? m.cvss.category;
    const fallback = category === m.cvss.category ? m.cvss.range[1] : CATEGORY_RANGES[category][1];
    const severity = worst.get(control.id) ?? fallback;
    const steps = m.remediation.map((s, i) => `${i + 1}. ${s}`);
    return {
      id: control.id,
      name: ruleName(control.id),
      shortDescription: { text: m.name },
      fullDescription: { text: m.overview },
      help: {
        text: `${m.recommendedConfiguration}\n\n${steps.join('\n')}`,
        markdown: `**Recommended:** ${m.recommendedConfiguration}\n\n${steps.join('\n')}`,
      },
      ...(docs !== undefined ? { helpUri: `${docs}/controls/${control.id}.md` } : {}),
      defaultConfiguration: { level: category === 'informational' || category === 'low' ? 'note' : category === 'medium' ? 'warning' : 'error' },
      properties: {
        'security-severity': severity.toFixed(1),
        tags: ['security', 'keygate', m.family.toLowerCase().replace(/\s+/g, '-')],
        precision: 'high',
      },
    };
  });
  const index = new Map(options.controls.map((c, i) => [c.id, i]));
  const results: SarifResult[] = reported
    .filter((f) => index.has(f.control))
    .map((f) => {
      const open = f.evaluatedStatus === 'fail' || f.evaluatedStatus === 'warn';
      const file = f.location?.file ?? result.origin;
      const logical = [{ name: f.subject, fullyQualifiedName: `${f.subjectKind}/${f.subject}`, kind: f.subjectKind === 'app' ? 'module' : 'namespace' }];
      const location: SarifLocation = file
        ? {
            physicalLocation: {
              artifactLocation: { uri: toUri(file) },
              ...(f.location?.line ? { region: { startLine: f.location.line } } : {}),
            },
            logicalLocations: logical,
          }
        : { logicalLocations: logical };
      return {
        ruleId: f.control,
        ruleIndex: index.get(f.control)!,
        kind: open ? 'fail' : 'review',
        level: !open ? 'none' : f.evaluatedStatus === 'fail' ? 'error' : 'warning',
        message: { text: `${f.subject}: ${f.evidence}` },
        locations: [location],
        partialFingerprints: { 'keygateFinding/v1': findingFingerprint(f) },
        ...(f.status === 'accepted' && f.acceptance
          ? { suppressions: [{ kind: 'external' as const, status: 'accepted' as const, justification: `${f.acceptance.reason} (owner ${f.acceptance.owner}, until ${f.acceptance.expires})` }] }
          : {}),
        properties: {
          status: f.status,
          severity: f.severity,
          // The adjusted score is placed in the control's range; the vector's own score sits beside it.
          ...(f.cvss ? { cvssScore: f.cvss.score, cvssVector: f.cvss.vector, cvssVectorScore: f.cvss.vectorScore } : {}),
          conditions: f.conditions.map((c) => c.id),
          ...(f.acceptance && f.acceptance.outcome !== 'accepted' ? { reopened: f.acceptance.note } : {}),
        },
      };
    });
  return {
    $schema: SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Keygate', version: options.toolVersion, ...(docs !== undefined ? { informationUri: docs } : {}), rules } },
        results,
        properties: { score: result.score, grade: result.grade, baseline: result.baseline, generatedAt: result.generatedAt.toISOString() },
      },
    ],
  };
}

/** Renders the SARIF log as JSON text. */
export function renderSarif(result: ReviewResult, options: SarifOptions): string {
  return `${escapeJsonControls(JSON.stringify(toSarif(result, options), null, 2))}\n`;
}

/** A relative or absolute path as a URI reference, with forward slashes and escaping. */
function toUri(path: string): string {
  const forward = path.replace(/\\/g, '/');
  const encoded = forward.split('/').map(encodeURIComponent).join('/');
  return forward.startsWith('/') ? `file://${encoded}` : encoded;
}
