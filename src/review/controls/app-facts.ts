/**
 * Readings of an app's facts that several controls share, each honest about unknowns.
 */
import type { FlowName } from '../../domain/app.js';
import { isUnknown, type Maybe, type SnapshotApp, type SnapshotCertificate, UnknownFact } from '../engine/snapshot.js';

const FLOW_LABELS: Readonly<Record<FlowName, string>> = {
  jwtBearer: 'JWT Bearer',
  clientCredentials: 'client credentials',
  usernamePassword: 'username-password',
};

/** A flow's name for a sentence. */
export function flowLabel(flow: FlowName): string {
  return FLOW_LABELS[flow];
}

/**
 * The machine-to-machine flows known to be enabled. Unknown when none is known to be on and
 * at least one could not be read.
 */
export function enabledFlows(app: SnapshotApp): Maybe<FlowName[]> {
  const on: FlowName[] = [];
  let missing: UnknownFact | null = null;
  for (const flow of ['jwtBearer', 'clientCredentials', 'usernamePassword'] as const) {
    const value = app.flows[flow];
    if (isUnknown(value)) missing ??= value;
    else if (value) on.push(flow);
  }
  return on.length === 0 && missing ? missing : on;
}

/**
 * Enabled flows that accept a static secret: client credentials with a consumer secret (an
 * unknown secret counts, since the flow is on and nothing proves it signs), and
 * username-password.
 */
export function secretFlows(app: SnapshotApp): FlowName[] {
  const flows: FlowName[] = [];
  if (app.flows.clientCredentials === true && app.hasConsumerSecret !== false) flows.push('clientCredentials');
  if (app.flows.usernamePassword === true) flows.push('usernamePassword');
  return flows;
}

/** Certificates whose window contains `now` and whose key is strong enough. */
export function usableCertificates(certs: readonly SnapshotCertificate[], now: Date): SnapshotCertificate[] {
  const t = now.getTime();
  return certs.filter((c) => !c.weakKey && c.notBefore.getTime() <= t && t < c.notAfter.getTime());
}

/** The usable certificate that lasts longest, or null. */
export function longestLasting(certs: readonly SnapshotCertificate[]): SnapshotCertificate | null {
  let best: SnapshotCertificate | null = null;
  for (const c of certs) if (!best || c.notAfter.getTime() > best.notAfter.getTime()) best = c;
  return best;
}

/** A certificate's short name for evidence: its subject and fingerprint prefix. */
export function certificateLabel(cert: SnapshotCertificate): string {
  return `${cert.subject} (SHA-256 ${cert.fingerprintSha256.slice(0, 12)}…)`;
}

/** The sentence for a fact the source could not read. */
export function unknownEvidence(what: string, fact: UnknownFact): string {
  return `The ${what} could not be read: ${fact.reason}.`;
}

export const NO_FLOW_EVIDENCE = 'No machine-to-machine flow is enabled on this app, so it cannot obtain a token.';
