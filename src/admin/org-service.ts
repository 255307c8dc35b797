/** The org's settings: issuer, audiences and the time policies of the grant. */
import { isDeepStrictEqual } from 'node:util';
import type { Org } from '../domain/org.js';
import { normalizeBaseUrl } from '../domain/org.js';
import { newId } from '../platform/ids.js';
import { AdminError } from './admin-errors.js';
import { UpdateOrgInput, parseInput } from './inputs.js';
import type { AdminStore, ChangeNotifier } from './ports.js';

export class OrgService {
  constructor(private readonly deps: { store: AdminStore; notifier: ChangeNotifier }) {}

  async get(): Promise<Org> {
    const org = await this.deps.store.getOrg();
    if (!org) throw new AdminError('not_found', 'the org is not configured yet: run `keygate init`');
    return org;
  }

  /** Creates the org on first use, or updates the given fields. */
  async upsert(input: UpdateOrgInput): Promise<Org> {
    const data = parseInput(UpdateOrgInput, input);
    const current = await this.deps.store.getOrg();
    if (!current && !data.baseUrl) throw new AdminError('validation_failed', 'baseUrl: is required to create the org', 'baseUrl');
    const org: Org = {
      id: current?.id ?? newId('00D'),
      name: data.name ?? current?.name ?? 'Keygate',
      baseUrl: normalizeBaseUrl(data.baseUrl ?? current!.baseUrl),
      extraAudiences: data.extraAudiences ?? current?.extraAudiences ?? [],
      clockSkewSeconds: data.clockSkewSeconds ?? current?.clockSkewSeconds ?? 30,
      maxAssertionLifetimeSeconds: data.maxAssertionLifetimeSeconds ?? current?.maxAssertionLifetimeSeconds ?? 300,
      accessTokenLifetimeSeconds: data.accessTokenLifetimeSeconds ?? current?.accessTokenLifetimeSeconds ?? 3600,
      requireAsymmetricM2M: data.requireAsymmetricM2M ?? current?.requireAsymmetricM2M ?? false,
    };
    if (current && isDeepStrictEqual(org, current)) return current;
    await this.deps.store.saveOrg(org);
    await this.deps.notifier.changed();
    return org;
  }
}
