/**
 * Accepted risks: a finding someone decided to live with, for a reason, owned by a person,
 * until a date. An acceptance applies only while it has not expired and while the finding's
 * condition is the one that was accepted; otherwise the finding reopens and says why.
 */
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../config/load.js';
import type { EvaluatedStatus } from './control.js';
import { parseFile } from './in-file.js';
import type { Severity } from './severity.js';

/** A decision to accept one control's finding on one subject. */
export interface AcceptedRisk {
  readonly control: string;
  /** The org's or the app's name. */
  readonly subject: string;
  readonly reason: string;
  readonly owner: string;
  /** The acceptance lapses at this instant. */
  readonly expires: Date;
  readonly acceptedAt?: Date;
  /**
   * The finding's condition when it was accepted (its `state`); when absent, any condition of
   * the same control and subject is covered.
   */
  readonly state?: string;
}

/** What happened to an acceptance in this review. */
export interface AcceptanceNote {
  readonly owner: string;
  readonly reason: string;
  readonly expires: string;
  readonly outcome: 'accepted' | 'expired' | 'condition_changed';
  /** One sentence shown next to the finding. */
  readonly note: string;
}

/** The part of a finding an acceptance is judged against. */
export interface AcceptableFinding {
  readonly control: string;
  readonly subject: string;
  readonly evaluatedStatus: EvaluatedStatus;
  readonly severity: Severity;
  readonly state: string;
}

/** Creates an acceptance for a finding as it stands now (for the admin API and CLI). */
export function acceptRisk(
  finding: AcceptableFinding,
  decision: { reason: string; owner: string; expires: Date; now: Date },
): AcceptedRisk {
  if (decision.reason.trim() === '') throw new ConfigError('reason', 'an accepted risk needs a reason');
  if (decision.owner.trim() === '') throw new ConfigError('owner', 'an accepted risk needs an owner');
  if (decision.expires.getTime() <= decision.now.getTime()) throw new ConfigError('expires', 'the expiry must be in the future');
  return {
    control: finding.control,
    subject: finding.subject,
    reason: decision.reason.trim(),
    owner: decision.owner.trim(),
    expires: decision.expires,
    acceptedAt: decision.now,
    state: finding.state,
  };
}

/**
 * Judges one open finding against the acceptances: null when none names it, otherwise
 * whether it is accepted, or reopened because the acceptance expired or its condition changed.
 * When several acceptances name the same control and subject (the admin API keeps each one),
 * the finding is accepted if any of them applies, by the one that lasts longest; otherwise the
 * note comes from the acceptance that expires last.
 */
export function judgeAcceptance(
  finding: AcceptableFinding,
  accepted: ReadonlyMap<string, readonly AcceptedRisk[]>,
  now: Date,
): AcceptanceNote | null {
  const risks = accepted.get(acceptanceKey(finding.control, finding.subject));
  if (!risks || risks.length === 0) return null;
  let reopened: AcceptanceNote | null = null;
  // Latest expiry first (see indexAcceptedRisks): the first that applies wins.
  for (const risk of risks) {
    const note = judgeOne(finding, risk, now);
    if (note.outcome === 'accepted') return note;
    reopened ??= note;
  }
  return reopened;
}

function judgeOne(finding: AcceptableFinding, risk: AcceptedRisk, now: Date): AcceptanceNote {
  const expires = risk.expires.toISOString().slice(0, 10);
  const base = { owner: risk.owner, reason: risk.reason, expires };
  if (risk.expires.getTime() <= now.getTime()) {
    return { ...base, outcome: 'expired', note: `Reopened: the acceptance by ${risk.owner} expired on ${expires}.` };
  }
  if (risk.state !== undefined && risk.state !== finding.state) {
    return {
      ...base,
      outcome: 'condition_changed',
      note: `Reopened: the condition changed since ${risk.owner} accepted it (accepted "${risk.state}", now "${finding.state}").`,
    };
  }
  return { ...base, outcome: 'accepted', note: `Accepted by ${risk.owner} until ${expires}: ${risk.reason}` };
}

/** The lookup key of an acceptance. */
export function acceptanceKey(control: string, subject: string): string {
  return `${control}\u0000${subject}`;
}

/**
 * Indexes acceptances by control and subject, each list latest expiry first (ties keep the
 * given order). Duplicates are all kept: one may cover the finding's current condition while
 * another, lasting longer, recorded an older one.
 */
export function indexAcceptedRisks(risks: readonly AcceptedRisk[]): Map<string, AcceptedRisk[]> {
  const map = new Map<string, AcceptedRisk[]>();
  for (const risk of risks) {
    const key = acceptanceKey(risk.control, risk.subject);
    const list = map.get(key);
    if (list) list.push(risk);
    else map.set(key, [risk]);
  }
  for (const list of map.values()) list.sort((a, b) => b.expires.getTime() - a.expires.getTime());
  return map;
}

const date = z.union([z.date(), z.iso.date().transform((s) => new Date(`${s}T23:59:59.999Z`)), z.iso.datetime({ offset: true }).transform((s) => new Date(s))]);

const AcceptedRiskSchema = z.strictObject({
  control: z.string().min(1),
  subject: z.string().min(1),
  reason: z.string().trim().min(1, 'an accepted risk needs a reason'),
  owner: z.string().trim().min(1, 'an accepted risk needs an owner'),
  expires: date,
  acceptedAt: date.optional(),
  state: z.string().optional(),
});

const AcceptedRiskListSchema = z.array(AcceptedRiskSchema);
const AcceptedRisksFileSchema = z.strictObject({ acceptedRisks: AcceptedRiskListSchema });

/**
 * Parses an accepted-risks file (YAML or JSON): `acceptedRisks: [...]` or a bare list. A
 * date without a time (`2025-06-30`) lasts to the end of that UTC day. Control ids are
 * checked against `controlIds`. Throws {@link ConfigError}.
 */
export function parseAcceptedRisks(text: string, controlIds: readonly string[]): AcceptedRisk[] {
  let data: unknown;
  try {
    // YAML 1.2's core schema leaves `2025-06-30` a string, which the date schema reads as
    // the end of that day.
    data = parse(text);
  } catch (err) {
    throw new ConfigError('', `the accepted risks file is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  // Two shapes are accepted; each is validated on its own so errors keep their dotted path.
  const bare = Array.isArray(data);
  const result = bare ? AcceptedRiskListSchema.safeParse(data) : AcceptedRisksFileSchema.safeParse(data ?? { acceptedRisks: [] });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(issue.path.map(String).join('.'), issue.message);
  }
  const list = Array.isArray(result.data) ? result.data : result.data.acceptedRisks;
  const known = new Set(controlIds);
  const prefix = bare ? '' : 'acceptedRisks.';
  return list.map((entry, i) => {
    if (!known.has(entry.control)) throw new ConfigError(`${prefix}${i}.control`, `no control has the id "${entry.control}"`);
    const risk: AcceptedRisk = {
      control: entry.control,
      subject: entry.subject,
      reason: entry.reason,
      owner: entry.owner,
      expires: entry.expires,
      ...(entry.acceptedAt ? { acceptedAt: entry.acceptedAt } : {}),
      ...(entry.state !== undefined ? { state: entry.state } : {}),
    };
    return risk;
  });
}

/** Reads an accepted-risks file. Throws {@link ConfigError} whose message names the file. */
export function loadAcceptedRisksFile(file: string, controlIds: readonly string[]): AcceptedRisk[] {
  return parseFile(file, 'accepted risks', (text) => parseAcceptedRisks(text, controlIds));
}
