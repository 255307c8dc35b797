/** Org Settings: the issuer, the accepted audiences and the time limits of the grant. */
import { ORG_TIME_LIMITS } from '../../../config/schema.js';
import type { Org } from '../../../domain/org.js';
import { html, type SafeHtml } from '../html.js';
import { checkbox, csrfField, layout, textField, type Notice } from '../layout.js';
import type { AdminChrome } from './app-pages.js';

/** The form as submitted (strings), so that a refused form comes back as it was typed. */
export interface OrgValues {
  readonly name: string;
  readonly baseUrl: string;
  readonly extraAudiences: string;
  readonly clockSkewSeconds: string;
  readonly maxAssertionLifetimeSeconds: string;
  readonly accessTokenLifetimeSeconds: string;
  readonly requireAsymmetricM2M: boolean;
}

export function orgValues(org: Org): OrgValues {
  return {
    name: org.name,
    baseUrl: org.baseUrl,
    extraAudiences: org.extraAudiences.join('\n'),
    clockSkewSeconds: String(org.clockSkewSeconds),
    maxAssertionLifetimeSeconds: String(org.maxAssertionLifetimeSeconds),
    accessTokenLifetimeSeconds: String(org.accessTokenLifetimeSeconds),
    requireAsymmetricM2M: org.requireAsymmetricM2M,
  };
}

type TimeField = keyof typeof ORG_TIME_LIMITS;

/** The time fields in form order, with their labels; the route checks them in the same order. */
export const TIME_FIELDS: ReadonlyArray<{ id: TimeField; label: string; hint: string }> = [
  { id: 'clockSkewSeconds', label: 'Clock skew (seconds)', hint: 'Allowed difference between the client\'s clock and Keygate\'s when checking exp, nbf and iat.' },
  { id: 'maxAssertionLifetimeSeconds', label: 'Maximum assertion lifetime (seconds)', hint: 'An assertion whose exp lies further ahead is refused.' },
  { id: 'accessTokenLifetimeSeconds', label: 'Access-token lifetime (seconds)', hint: 'The session timeout an app gets when it is created without one (rounded up to whole minutes).' },
];

export function orgPage(options: {
  admin: AdminChrome;
  values: OrgValues;
  error?: { field?: string | undefined; message: string } | null;
  notice?: Notice | null;
}): SafeHtml {
  const { admin, values: v } = options;
  const err = (field: string) => (options.error?.field === field ? options.error.message : null);
  return layout(
    {
      title: 'Org Settings',
      admin,
      section: 'org',
      notice: options.error ? { kind: 'error', text: `Nothing was saved: ${options.error.message}` } : (options.notice ?? null),
    },
    html`<section class="card" aria-labelledby="org-heading">
<h2 id="org-heading">Settings</h2>
<form method="post" action="/console/org">
${csrfField(admin.csrfToken)}
${textField({ id: 'name', label: 'Name', value: v.name, required: true, error: err('name') })}
${textField({
  id: 'baseUrl',
  label: 'Base URL',
  value: v.baseUrl,
  required: true,
  hint: 'The issuer of every token, the instance_url given to clients, and the audience an assertion names. Changing it makes the JWT access tokens already issued invalid.',
  error: err('baseUrl'),
})}
${textField({ id: 'extraAudiences', label: 'Extra audiences', value: v.extraAudiences, multiline: true, hint: 'Further accepted aud values, one URL per line, e.g. https://login.salesforce.com.', error: err('extraAudiences') })}
<h3>Time limits</h3>
${TIME_FIELDS.map(({ id, label, hint }) =>
  textField({ id, label, type: 'number', value: v[id], required: true, min: ORG_TIME_LIMITS[id].min, max: ORG_TIME_LIMITS[id].max, hint: `${hint} From ${ORG_TIME_LIMITS[id].min} to ${ORG_TIME_LIMITS[id].max}.`, error: err(id) }),
)}
<h3>Org-wide rule</h3>
${checkbox({
  id: 'requireAsymmetricM2M',
  label: 'Machine-to-machine requests must use a certificate',
  checked: v.requireAsymmetricM2M,
  hint: 'Consumer secrets are then refused for every app, whatever its flows allow, at the token, introspection and revocation endpoints, and so is the password grant: only signed assertions (JWT Bearer, private_key_jwt) get tokens.',
})}
<button type="submit">Save</button>
</form>
</section>
<section class="card" aria-labelledby="org-config-heading">
<h2 id="org-config-heading">Declared in keygate.yaml</h2>
<p>When the server starts with <code>--config</code>, the file's <code>org</code> section is applied again: a setting changed here and declared there returns to the file's value at the next start.</p>
</section>`,
  );
}
