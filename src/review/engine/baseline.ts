/**
 * Baselines: which risk category each control falls in and the thresholds controls judge
 * against. Two are built in (`standard`, `high-security`); a custom baseline file extends
 * one of them, re-categorises controls and changes thresholds.
 */
import { basename, extname } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../config/load.js';
import type { Thresholds } from './control.js';
import { parseFile } from './in-file.js';
import type { RiskCategory } from './severity.js';

/** A named set of categories and thresholds a review is judged by. */
export interface Baseline {
  readonly name: string;
  readonly description: string;
  /** Category overrides by control id; a control not listed keeps its own category. */
  readonly categories: Readonly<Record<string, RiskCategory>>;
  readonly thresholds: Thresholds;
}

/** Names of the built-in baselines. */
export type BuiltInBaselineName = 'standard' | 'high-security';

export const STANDARD_BASELINE: Baseline = {
  name: 'standard',
  description: 'Keygate defaults: each control in its own category.',
  categories: {},
  thresholds: {
    certificateExpiryWarningDays: 30,
    maxSessionTimeoutMinutes: 60,
    maxConsumerSecretAgeDays: 180,
    dormantDays: 90,
    maxReplayWindowSeconds: 120,
  },
};

/** Controls that flag a secret-based machine-to-machine flow, critical under high-security. */
const SECRET_BASED_M2M_CONTROLS = [
  'eca.oauth-flow.jwt-bearer-enabled',
  'eca.oauth-flow.client-credentials-constrained',
  'eca.oauth-flow.username-password-disabled',
  'org.m2m.asymmetric-required',
  'traffic.secret-authentication',
] as const;

export const HIGH_SECURITY_BASELINE: Baseline = {
  name: 'high-security',
  description:
    'For environments where asymmetric machine-to-machine authentication is mandatory: every secret-based machine-to-machine flow is critical, and thresholds are tighter.',
  categories: Object.fromEntries(SECRET_BASED_M2M_CONTROLS.map((id) => [id, 'critical' as const])),
  thresholds: {
    certificateExpiryWarningDays: 60,
    maxSessionTimeoutMinutes: 30,
    maxConsumerSecretAgeDays: 90,
    dormantDays: 60,
    maxReplayWindowSeconds: 60,
  },
};

export const BUILT_IN_BASELINES: Readonly<Record<BuiltInBaselineName, Baseline>> = {
  standard: STANDARD_BASELINE,
  'high-security': HIGH_SECURITY_BASELINE,
};

/** Whether `name` is a built-in baseline. */
export function isBuiltInBaseline(name: string): name is BuiltInBaselineName {
  return Object.hasOwn(BUILT_IN_BASELINES, name);
}

const category = z.enum(['critical', 'high', 'medium', 'low', 'informational']);
const days = z.int().min(1).max(3650);

const BaselineFileSchema = z.strictObject({
  /** Shown in reports; by default the file's name without its extension. */
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().max(2000).optional(),
  extends: z.enum(['standard', 'high-security']).default('standard'),
  categories: z.record(z.string(), category).default({}),
  thresholds: z
    .strictObject({
      certificateExpiryWarningDays: days.optional(),
      maxSessionTimeoutMinutes: z.int().min(1).max(1440).optional(),
      maxConsumerSecretAgeDays: days.optional(),
      dormantDays: days.optional(),
      maxReplayWindowSeconds: z.int().min(1).max(3600).optional(),
    })
    .default({}),
});

/**
 * Parses a custom baseline (YAML or JSON). Control ids are checked against `controlIds`;
 * `defaultName` names a baseline without `name`. Throws {@link ConfigError} naming the dotted
 * path of the problem.
 */
export function parseBaseline(text: string, controlIds: readonly string[], defaultName = 'custom'): Baseline {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new ConfigError('', `the baseline is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = BaselineFileSchema.safeParse(data ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(issue.path.map(String).join('.'), issue.message);
  }
  const file = result.data;
  const known = new Set(controlIds);
  for (const id of Object.keys(file.categories)) {
    if (!known.has(id)) throw new ConfigError(`categories.${id}`, `no control has the id "${id}"`);
  }
  const parent = BUILT_IN_BASELINES[file.extends];
  const thresholds = Object.fromEntries(Object.entries(file.thresholds).filter(([, v]) => v !== undefined));
  return {
    name: file.name ?? defaultName,
    description: file.description ?? `Custom baseline extending ${parent.name}.`,
    categories: { ...parent.categories, ...file.categories },
    thresholds: { ...parent.thresholds, ...thresholds },
  };
}

/** Reads a custom baseline file. Throws {@link ConfigError} whose message names the file. */
export function loadBaselineFile(file: string, controlIds: readonly string[]): Baseline {
  return parseFile(file, 'baseline', (text) => parseBaseline(text, controlIds, basename(file, extname(file))));
}
