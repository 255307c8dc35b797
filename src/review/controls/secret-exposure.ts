/**
 * Facts the consumer-secret exposure controls share: which apps would be hurt by a read
 * secret, and the wording of a location-aware outcome.
 */
import type { RiskCondition } from '../engine/control.js';
import type { Snapshot } from '../engine/snapshot.js';
import { secretFlows } from './app-facts.js';

/** Apps whose enabled flows still accept a consumer secret or a password. */
export function appsRelyingOnSecrets(snapshot: Snapshot): string[] {
  return snapshot.apps.filter((app) => secretFlows(app).length > 0).map((app) => app.name);
}

/** A consumer secret already sits in a retrieved file (and so, often, in source control). */
export const secretAlreadyRetrieved: RiskCondition = {
  id: 'secret-already-retrieved',
  kind: 'higher',
  description: 'A consumer secret already sits in a retrieved metadata file, so it has likely been copied to source control and build logs.',
  overrides: { AC: 'L' },
  holds: (context) => (context.snapshot.org.retrievedConsumerSecrets ?? []).length > 0,
};

/** No app relies on a secret, so a read secret opens no machine-to-machine flow. */
export const noAppReliesOnSecrets: RiskCondition = {
  id: 'no-app-relies-on-secrets',
  kind: 'lower',
  description: 'No app accepts a consumer secret on a machine-to-machine flow, so a read secret alone opens none of them.',
  overrides: { I: 'L' },
  holds: (context) => context.snapshot.apps.length > 0 && appsRelyingOnSecrets(context.snapshot).length === 0,
};
