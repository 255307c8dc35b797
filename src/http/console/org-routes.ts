/** Org Settings: read and change the issuer, the accepted audiences and the time limits. */
import { AdminError } from '../../admin/admin-errors.js';
import { ORG_TIME_LIMITS } from '../../config/schema.js';
import type { ConsoleDeps, ConsoleRouter } from './console-context.js';
import { orgPage, orgValues, TIME_FIELDS, type OrgValues } from './pages/org-page.js';

/** The first time field that is not a whole number within its bounds, with what to type instead. */
function invalidTimeField(values: OrgValues): { field: string; message: string } | null {
  for (const { id, label } of TIME_FIELDS) {
    const { min, max } = ORG_TIME_LIMITS[id];
    const n = Number(values[id]);
    if (!/^\d+$/.test(values[id]) || n < min || n > max) return { field: id, message: `${label}: enter a whole number from ${min} to ${max}.` };
  }
  return null;
}

const LABELS: Record<string, string> = { name: 'Name', baseUrl: 'Base URL', extraAudiences: 'Extra audiences' };

/** The service's refusal, named by the form's label: `baseUrl: must be ...` reads `Base URL: must be ...`. */
function refusal(err: AdminError): { field: string | undefined; message: string } {
  const field = err.field?.split('.')[0];
  const label = field && LABELS[field];
  const detail = label && err.detail.startsWith(`${err.field}: `) ? `${label}: ${err.detail.slice(err.field!.length + 2)}` : err.detail;
  return { field, message: `${detail}.` };
}

export function registerOrgRoutes(router: ConsoleRouter, deps: ConsoleDeps): void {
  const { orgs } = deps.services;

  router.page('/org', async ({ chrome, req }) => {
    const saved = (req.query as { saved?: string }).saved === '1';
    return orgPage({ admin: chrome, values: orgValues(await orgs.get()), notice: saved ? { kind: 'ok', text: 'Org settings saved.' } : null });
  });

  router.form('/org', async ({ chrome, form }) => {
    const values: OrgValues = {
      ...form.texts('name', 'baseUrl', 'extraAudiences', ...TIME_FIELDS.map((f) => f.id)),
      requireAsymmetricM2M: form.checked('requireAsymmetricM2M'),
    };
    const invalid = invalidTimeField(values);
    if (invalid) return { status: 422, page: orgPage({ admin: chrome, values, error: invalid }) };
    try {
      await orgs.upsert({
        name: values.name,
        baseUrl: values.baseUrl,
        extraAudiences: form.list('extraAudiences'),
        clockSkewSeconds: Number(values.clockSkewSeconds),
        maxAssertionLifetimeSeconds: Number(values.maxAssertionLifetimeSeconds),
        accessTokenLifetimeSeconds: Number(values.accessTokenLifetimeSeconds),
        requireAsymmetricM2M: values.requireAsymmetricM2M,
      });
      return { redirect: '/console/org?saved=1' };
    } catch (err) {
      if (!(err instanceof AdminError)) throw err;
      return { status: err.status, page: orgPage({ admin: chrome, values, error: refusal(err) }) };
    }
  });
}
