/**
 * Salesforce Health Check custom baselines (XML, root `baseline`, four risk sections holding
 * `booleanSetting`, `numericRangeSetting` and `enumSetting` entries) as a review baseline.
 * A setting that maps onto a catalogue control re-categorises that control into the section's
 * risk category; the others are kept as notes and reported as not applicable.
 */
import { XMLParser } from 'fast-xml-parser';
import { STANDARD_BASELINE, type Baseline } from '../../engine/baseline.js';
import type { Finding } from '../../engine/review.js';
import type { RiskCategory } from '../../engine/severity.js';
import { scanXml, XmlSyntaxError, type ElementLines } from './metadata-xml.js';
import { SalesforceMetadataError } from './salesforce-metadata-error.js';

/** The four sections of a Health Check baseline and the category each stands for. */
const SECTIONS: Readonly<Record<string, RiskCategory>> = {
  highRiskSecuritySettings: 'high',
  mediumRiskSecuritySettings: 'medium',
  lowRiskSecuritySettings: 'low',
  informationalSecuritySettings: 'informational',
};

const SETTING_ELEMENTS = ['booleanSetting', 'numericRangeSetting', 'enumSetting'] as const;

/**
 * Health Check settings that Keygate's catalogue evaluates, by setting name. A baseline may
 * also name a Keygate control id directly (e.g. `eca.oauth-flow.jwt-bearer-enabled`).
 */
export const HEALTH_CHECK_SETTING_CONTROLS: Readonly<Record<string, readonly string[]>> = {
  'ExternalClientApps.metadataApiAccess': ['eca.settings.metadata-secrets-protection'],
};

/** A baseline setting no Keygate control evaluates. */
export interface UnmappedBaselineSetting {
  readonly name: string;
  readonly category: RiskCategory;
  readonly kind: (typeof SETTING_ELEMENTS)[number];
  readonly line?: number;
}

/** A Health Check baseline read as a review baseline, with the settings it could not use. */
export interface HealthCheckBaseline {
  readonly baseline: Baseline;
  readonly unmapped: readonly UnmappedBaselineSetting[];
  readonly file: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  isArray: (name) => (SETTING_ELEMENTS as readonly string[]).includes(name),
});

/** Whether a file's text looks like XML (a Health Check baseline rather than YAML or JSON). */
export function looksLikeXml(text: string): boolean {
  return text.trimStart().startsWith('<');
}

/**
 * Reads a Health Check custom baseline. Throws {@link SalesforceMetadataError} for malformed
 * XML, another root element, an element it does not know (a misspelt section would otherwise
 * leave its settings unapplied without a word), or a setting without a name.
 */
export function parseHealthCheckBaseline(file: string, text: string, controlIds: readonly string[]): HealthCheckBaseline {
  const lines = scanBaseline(file, text);
  const parsed = parser.parse(text) as Record<string, unknown>;
  const rootName = Object.keys(parsed)[0];
  if (rootName !== 'baseline' || Object.keys(parsed).length !== 1) {
    throw new SalesforceMetadataError(`a Health Check baseline has the root element <baseline>, not <${rootName ?? ''}>`, file);
  }
  const root = (parsed['baseline'] && typeof parsed['baseline'] === 'object' ? parsed['baseline'] : {}) as Record<string, unknown>;
  refuseUnknownElements(root, Object.keys(SECTIONS), 'baseline', file, lines);
  // Sections in document order, so that the n-th setting element read is the n-th in the file.
  const sections = Object.keys(root).filter((name) => name in SECTIONS);
  for (const section of sections) {
    const node = root[section];
    if (Array.isArray(node)) throw new SalesforceMetadataError(`<${section}> appears more than once`, file, lines.of(section, 1));
    if (node !== null && typeof node === 'object') refuseUnknownElements(node as Record<string, unknown>, SETTING_ELEMENTS, section, file, lines);
  }
  const seen = new Map<string, number>();
  const known = new Set(controlIds);
  const categories: Record<string, RiskCategory> = {};
  const unmapped: UnmappedBaselineSetting[] = [];
  // A setting named twice, or two settings placing one control, would leave the category to
  // whichever came last: refused instead, since that could quietly lower a control's weight.
  const settingLines = new Map<string, number | undefined>();
  const placedBy = new Map<string, { name: string; line: number | undefined }>();
  const onLine = (line: number | undefined) => (line !== undefined ? ` on line ${line}` : '');

  for (const section of sections) {
    const category = SECTIONS[section]!;
    const node = root[section];
    if (node === undefined || typeof node !== 'object' || node === null) continue;
    for (const kind of SETTING_ELEMENTS) {
      const entries = ((node as Record<string, unknown>)[kind] ?? []) as unknown[];
      for (const entry of entries) {
        const index = seen.get(kind) ?? 0;
        seen.set(kind, index + 1);
        const line = lines.of(kind, index);
        const name = settingName(entry);
        if (!name) throw new SalesforceMetadataError(`a <${kind}> in <${section}> has no name attribute`, file, line);
        if (settingLines.has(name)) {
          const first = settingLines.get(name);
          throw new SalesforceMetadataError(`the setting ${name} is named again${first !== undefined ? ` (first on line ${first})` : ''}`, file, line);
        }
        settingLines.set(name, line);
        const controls = HEALTH_CHECK_SETTING_CONTROLS[name] ?? (known.has(name) ? [name] : []);
        if (controls.length === 0) {
          unmapped.push({ name, category, kind, ...(line !== undefined ? { line } : {}) });
          continue;
        }
        for (const id of controls) {
          if (!known.has(id)) continue;
          const prior = placedBy.get(id);
          if (prior) throw new SalesforceMetadataError(`${name} sets the category of ${id}, which ${prior.name}${onLine(prior.line)} already set`, file, line);
          placedBy.set(id, { name, line });
          categories[id] = category;
        }
      }
    }
  }
  const label = attribute(root, 'name') ?? attribute(root, 'developerName') ?? file;
  return {
    file,
    unmapped,
    baseline: {
      name: label,
      description: `Salesforce Health Check baseline ${label} (${file}), over Keygate's standard baseline.`,
      categories: { ...STANDARD_BASELINE.categories, ...categories },
      thresholds: STANDARD_BASELINE.thresholds,
    },
  };
}

/**
 * The baseline's unmapped settings as not-applicable findings on the org, so every output
 * lists them. They never count towards the score.
 */
export function unmappedSettingFindings(baseline: HealthCheckBaseline, orgName: string): Finding[] {
  return baseline.unmapped.map((s) => ({
    control: `salesforce.health-check.${s.name}`,
    title: `Salesforce Health Check setting ${s.name}`,
    subject: orgName,
    subjectKind: 'org',
    status: 'not_applicable',
    evaluatedStatus: 'not_applicable',
    severity: s.category,
    category: s.category,
    cvss: null,
    conditions: [],
    evidence: `The baseline names ${s.name} (${s.category} risk), which no Keygate control evaluates.`,
    remediation: 'Review this setting in Salesforce Health Check.',
    location: { file: baseline.file, ...(s.line !== undefined ? { line: s.line } : {}), element: `<${s.kind} name="${s.name}">` },
    state: 'not_applicable||',
  }));
}

/** The well-formedness check metadata files get, so that a baseline's errors carry a line too. */
function scanBaseline(file: string, text: string): ElementLines {
  try {
    return scanXml(text);
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new SalesforceMetadataError(`malformed XML: ${err.message}`, file, err.line);
    throw err;
  }
}

/** Refuses a child element of `parent` other than `allowed` (attributes and text are not elements). */
function refuseUnknownElements(node: Record<string, unknown>, allowed: readonly string[], parent: string, file: string, lines: ElementLines): void {
  for (const name of Object.keys(node)) {
    if (name.startsWith('@_') || name === '#text' || allowed.includes(name)) continue;
    throw new SalesforceMetadataError(`<${parent}> holds <${name}>, which a Health Check baseline does not have; expected <${allowed.join('>, <')}>`, file, lines.of(name));
  }
}

function settingName(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const record = entry as Record<string, unknown>;
  const value = record['@_name'] ?? record['@_settingName'] ?? record['name'] ?? record['settingName'];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function attribute(node: Record<string, unknown>, name: string): string | undefined {
  const value = node[`@_${name}`];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
