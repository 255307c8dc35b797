/**
 * External Client App pages: the App Manager list, the creation form, the app page with its
 * four sections, "Edit OAuth Settings", "Edit Policies", the one-time consumer secret, and
 * the confirmation asked before a change that cuts integrations off.
 */
import type { ExternalClientApp } from '../../../domain/app.js';
import { describeTimeLeft, isCurrentlyValid, isExpiringSoon, type Certificate } from '../../../domain/certificate.js';
import type { LoginEvent } from '../../../domain/login-event.js';
import type { User } from '../../../domain/user.js';
import { describeKey, formatFingerprint } from '../../../platform/x509.js';
import { html, type SafeHtml } from '../html.js';
import { checkbox, csrfField, formatDate, formatTime, layout, pill, selectField, textField, type Notice } from '../layout.js';
import { confirmPage, type Confirmation } from './confirm-page.js';

export interface AdminChrome {
  readonly username: string;
  readonly csrfToken: string;
}

/** What the review says about one app, for the list and the app page. */
export interface AppReviewStatus {
  readonly failing: number;
  readonly warnings: number;
  readonly accepted: number;
}

function enabledFlows(app: ExternalClientApp): string[] {
  const flows: string[] = [];
  if (app.flows.jwtBearer) flows.push('JWT Bearer');
  if (app.flows.clientCredentials) flows.push('Client Credentials');
  if (app.flows.usernamePassword) flows.push('Username-Password');
  return flows;
}

/** The certificate that expires last among those valid now, else the newest. */
function currentCertificate(app: ExternalClientApp, now: Date): Certificate | null {
  const valid = app.certificates.filter((c) => isCurrentlyValid(c, now)).sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime());
  return valid[0] ?? null;
}

function certificateExpiry(app: ExternalClientApp, now: Date): SafeHtml {
  if (app.certificates.length === 0) return pill('muted', 'No certificate');
  const cert = currentCertificate(app, now);
  if (!cert) return pill('bad', 'Expired');
  return html`${formatDate(cert.notAfter)} ${isExpiringSoon(cert.notAfter, now) ? pill('warn', `${describeTimeLeft(cert.notAfter, now)} left`) : ''}`;
}

function reviewCell(status: AppReviewStatus | null | undefined): SafeHtml {
  if (status === undefined) return pill('muted', 'Not reviewed');
  if (status === null) return pill('muted', 'Not reviewed');
  if (status.failing > 0) return pill('bad', `${status.failing} failing`);
  if (status.warnings > 0) return pill('warn', `${status.warnings} ${status.warnings === 1 ? 'warning' : 'warnings'}`);
  return pill('ok', status.accepted > 0 ? `Passing (${status.accepted} accepted)` : 'Passing');
}

export function appListPage(options: {
  admin: AdminChrome;
  apps: readonly ExternalClientApp[];
  now: Date;
  review: ReadonlyMap<string, AppReviewStatus> | null;
  notice?: Notice | null;
}): SafeHtml {
  const rows = options.apps.map(
    (app) => html`<tr>
<td><a href="/console/apps/${app.id}">${app.name}</a></td>
<td>${enabledFlows(app).length ? enabledFlows(app).join(', ') : html`<span class="hint">None</span>`}</td>
<td>${certificateExpiry(app, options.now)}</td>
<td>${options.review ? reviewCell(options.review.get(app.name) ?? null) : pill('muted', 'Not reviewed')}</td>
</tr>`,
  );
  return layout(
    { title: 'External Client App Manager', admin: options.admin, section: 'apps', notice: options.notice ?? null },
    html`<div class="actions"><form method="get" action="/console/apps/new"><button type="submit">New External Client App</button></form></div>
<section class="card" aria-labelledby="apps-heading">
<h2 id="apps-heading">Apps</h2>
${
  options.apps.length === 0
    ? html`<p>No External Client Apps yet.</p>`
    : html`<table><caption class="hint">${options.apps.length} ${options.apps.length === 1 ? 'app' : 'apps'}</caption><thead><tr><th scope="col">Name</th><th scope="col">Flows</th><th scope="col">Certificate expiry</th><th scope="col">Review status</th></tr></thead><tbody>${rows}</tbody></table>`
}
</section>`,
  );
}

export interface NewAppValues {
  readonly name: string;
  readonly contactEmail: string;
  readonly scopes: string;
  readonly generateSecret: boolean;
}

export function newAppPage(options: { admin: AdminChrome; values?: NewAppValues; error?: { field?: string | undefined; message: string } | null }): SafeHtml {
  const v = options.values ?? { name: '', contactEmail: '', scopes: 'api', generateSecret: false };
  const fieldError = (field: string) => (options.error?.field === field ? options.error.message : null);
  const general = options.error && !['name', 'contactEmail', 'scopes'].includes(options.error.field ?? '') ? options.error.message : null;
  return layout(
    {
      title: 'New External Client App',
      admin: options.admin,
      section: 'apps',
      crumbs: html`<a href="/console/apps">External Client App Manager</a>`,
      notice: general ? { kind: 'error', text: general } : options.error ? { kind: 'error', text: 'The app was not created: see the field below.' } : null,
    },
    html`<section class="card" aria-label="New app">
<form method="post" action="/console/apps">
${csrfField(options.admin.csrfToken)}
${textField({ id: 'name', label: 'Name', value: v.name, required: true, error: fieldError('name') })}
${textField({ id: 'contactEmail', label: 'Contact email', type: 'email', value: v.contactEmail, error: fieldError('contactEmail') })}
${textField({ id: 'scopes', label: 'Scopes', value: v.scopes, hint: 'Separated by spaces, e.g. "api refresh_token".', error: fieldError('scopes') })}
${checkbox({ id: 'generateSecret', label: 'Generate a consumer secret', checked: v.generateSecret, hint: 'Only for the Client Credentials flow; certificates (JWT Bearer) need no secret. The secret is shown once.' })}
<p class="hint">Flows stay off until you enable them in the app's OAuth settings, after uploading a certificate.</p>
<button type="submit">Create</button>
</form>
</section>`,
  );
}

/** The consumer secret, shown this once (the response is never cached and never repeated). */
export function secretOncePage(options: { admin: AdminChrome; app: ExternalClientApp; secret: string; created: boolean }): SafeHtml {
  return layout(
    {
      title: options.created ? 'App created' : 'Consumer secret rotated',
      admin: options.admin,
      section: 'apps',
      crumbs: html`<a href="/console/apps">External Client App Manager</a>`,
      notice: { kind: 'warn', text: 'Copy the consumer secret now: it is shown once and cannot be shown again.' },
    },
    html`<section class="card" aria-labelledby="secret-heading">
<h2 id="secret-heading">Consumer secret of ${options.app.name}</h2>
<dl class="facts"><dt>Consumer key</dt><dd><code>${options.app.consumerKey}</code></dd></dl>
<div class="field"><label for="consumer-secret">Consumer secret</label>
<div class="secret"><input type="text" id="consumer-secret" value="${options.secret}" readonly autocomplete="off" spellcheck="false">
<button type="button" class="secondary" data-copy-target="consumer-secret" aria-describedby="copy-status" hidden>Copy</button></div>
<span class="hint" id="copy-status" role="status"></span></div>
<p><a class="button" href="/console/apps/${options.app.id}">Continue to the app</a></p>
</section>`,
  );
}

function flowLine(label: string, on: boolean): SafeHtml {
  return html`<li>${label}: ${on ? html`<strong>Enabled</strong>` : 'Disabled'}</li>`;
}

export function certificateFacts(cert: Certificate): SafeHtml {
  return html`<dl class="facts">
<dt>Subject</dt><dd>${cert.subject}</dd>
<dt>Validity</dt><dd>${formatTime(cert.notBefore)} to ${formatTime(cert.notAfter)}</dd>
<dt>SHA-256 fingerprint</dt><dd><code>${formatFingerprint(cert.fingerprintSha256)}</code></dd>
<dt>Key</dt><dd>${describeKey(cert.keyType, cert.keySize, cert.curve)}</dd>
</dl>`;
}

function activityRows(events: readonly LoginEvent[]): SafeHtml {
  if (events.length === 0) return html`<p>No token requests yet.</p>`;
  return html`<table><thead><tr><th scope="col">Time</th><th scope="col">User</th><th scope="col">Grant</th><th scope="col">Outcome</th><th scope="col">Reason</th><th scope="col">Client address</th></tr></thead><tbody>${events.map(
    (e) => html`<tr><td>${formatTime(e.at)}</td><td>${e.username ?? ''}</td><td>${e.grant}</td><td>${
      e.outcome === 'success' ? pill('ok', 'Success') : pill('bad', 'Failure')
    }</td><td><code>${e.reason}</code></td><td>${e.clientAddress}</td></tr>`,
  )}</tbody></table>`;
}

export function appPage(options: {
  admin: AdminChrome;
  app: ExternalClientApp;
  now: Date;
  activity: readonly LoginEvent[];
  review: AppReviewStatus | null;
  notice?: Notice | null;
}): SafeHtml {
  const { app, admin } = options;
  const p = app.policies;
  const current = currentCertificate(app, options.now);
  return layout(
    { title: app.name, admin, section: 'apps', crumbs: html`<a href="/console/apps">External Client App Manager</a>`, notice: options.notice ?? null },
    html`<section class="card" aria-labelledby="oauth-heading">
<div class="card-head"><h2 id="oauth-heading">OAuth Settings</h2><a class="button" href="/console/apps/${app.id}/oauth">Edit OAuth Settings</a></div>
<ul>
${flowLine('JWT Bearer Flow', app.flows.jwtBearer)}
${flowLine('Client Credentials Flow', app.flows.clientCredentials)}
${flowLine('Username-Password Flow', app.flows.usernamePassword)}
</ul>
<dl class="facts">
<dt>Consumer key</dt><dd><code>${app.consumerKey}</code></dd>
<dt>Scopes</dt><dd>${app.scopes.join(' ')}</dd>
<dt>Run-as user</dt><dd>${app.clientCredentialsRunAs ?? 'None'}</dd>
<dt>Consumer secret</dt><dd>${app.consumerSecretCreatedAt ? `Set on ${formatDate(app.consumerSecretCreatedAt)} (never shown again)` : 'None'}</dd>
<dt>Review status</dt><dd>${reviewCell(options.review)} <a href="/console/review#app-${app.id}">Security Health Review</a></dd>
</dl>
${current ? html`<h3>Current certificate</h3>${certificateFacts(current)}` : ''}
<div class="actions">${
      // Rotating and deleting lead to a confirmation page; generating a first secret cuts no one off.
      app.consumerSecretHash
        ? html`<a class="button secondary" href="/console/apps/${app.id}/secret">Rotate consumer secret</a><a class="button danger" href="/console/apps/${app.id}/secret/delete">Delete consumer secret</a>`
        : html`<form class="inline" method="post" action="/console/apps/${app.id}/secret">${csrfField(admin.csrfToken)}<button type="submit" class="secondary">Generate consumer secret</button></form>`
    }</div>
</section>

<section class="card" aria-labelledby="policies-heading">
<div class="card-head"><h2 id="policies-heading">Policies</h2><a class="button" href="/console/apps/${app.id}/policies">Edit Policies</a></div>
<dl class="facts">
<dt>Permitted users</dt><dd>${p.permittedUsers === 'adminApproved' ? 'Admin approved users are pre-authorized' : 'All users may self-authorize'}</dd>
<dt>Profiles</dt><dd>${p.profiles.length ? p.profiles.join(', ') : 'None'}</dd>
<dt>Permission sets</dt><dd>${p.permissionSets.length ? p.permissionSets.join(', ') : 'None'}</dd>
<dt>IP relaxation</dt><dd>${p.ipRelaxation === 'enforce' ? 'Enforce IP restrictions' : 'Relax IP restrictions'}</dd>
<dt>Trusted IP ranges</dt><dd>${p.trustedIpRanges.length ? p.trustedIpRanges.join(', ') : 'None'}</dd>
<dt>Session timeout</dt><dd>${p.sessionTimeoutMinutes} minutes</dd>
</dl>
</section>

<section class="card" aria-labelledby="certs-heading">
<div class="card-head"><h2 id="certs-heading">Certificates</h2><a class="button secondary" href="/console/apps/${app.id}/oauth">Upload a certificate</a></div>
${
  app.certificates.length === 0
    ? html`<p>No certificates. The JWT Bearer flow needs one: upload it in Edit OAuth Settings.</p>`
    : app.certificates.map(
        (c) => html`<div class="finding"><h3>${c.subject} ${
          isCurrentlyValid(c, options.now) ? pill('ok', 'Valid') : c.notAfter.getTime() <= options.now.getTime() ? pill('bad', 'Expired') : pill('warn', 'Not yet valid')
        }</h3>${certificateFacts(c)}
<p><a class="button danger" href="/console/apps/${app.id}/certificates/${c.id}/remove">Remove certificate ${formatFingerprint(c.fingerprintSha256).slice(0, 11)}…</a></p></div>`,
      )
}
</section>

<section class="card" aria-labelledby="activity-heading">
<div class="card-head"><h2 id="activity-heading">Recent Activity</h2><a href="/console/login-history?app=${app.id}">Login History for this app</a></div>
${activityRows(options.activity)}
</section>`,
  );
}

/** A change that cuts integrations off, asked about before it is made. */
export type AppChange = { readonly kind: 'rotate-secret' | 'delete-secret' } | { readonly kind: 'remove-certificate'; readonly certificate: Certificate };

function changeWording(app: ExternalClientApp, change: AppChange, now: Date): Confirmation {
  const secretSet = app.consumerSecretCreatedAt ? ` (set on ${formatDate(app.consumerSecretCreatedAt)})` : '';
  switch (change.kind) {
    case 'rotate-secret':
      return {
        title: `Rotate the consumer secret of ${app.name}?`,
        action: `/console/apps/${app.id}/secret`,
        button: 'Rotate consumer secret',
        consequences: html`<p><strong>Every integration that authenticates with the current consumer secret${secretSet} will be refused from now on</strong>, until it is given the new one.</p>
<p>A new consumer secret is generated and shown once, on the next page.</p>`,
      };
    case 'delete-secret':
      return {
        title: `Delete the consumer secret of ${app.name}?`,
        action: `/console/apps/${app.id}/secret/delete`,
        button: 'Delete consumer secret',
        consequences: html`<p><strong>Every integration that authenticates with the current consumer secret${secretSet} will be refused from now on.</strong></p>
<p>The app has no consumer secret afterwards; one can be generated again on the app's page.</p>`,
      };
    case 'remove-certificate': {
      const cert = change.certificate;
      const others = app.certificates.filter((c) => c.id !== cert.id && isCurrentlyValid(c, now));
      const effect = isCurrentlyValid(cert, now)
        ? html`<p><strong>Every integration that signs with this certificate's private key will be refused from now on</strong>: its JWT Bearer assertions and its client assertions.</p>${
            others.length === 0 ? html`<p>It is the app's last valid certificate: until another is uploaded, no signed request is accepted for the app.</p>` : ''
          }`
        : cert.notAfter.getTime() <= now.getTime()
          ? html`<p>It expired on ${formatTime(cert.notAfter)}: no request signed with its key is accepted now, so removing it cuts no integration off.</p>`
          : html`<p><strong>It becomes valid on ${formatTime(cert.notBefore)}: an integration that moves to its key then will be refused.</strong></p>`;
      return {
        title: `Remove a certificate of ${app.name}?`,
        action: `/console/apps/${app.id}/certificates/${cert.id}/remove`,
        button: 'Remove certificate',
        consequences: html`${effect}${certificateFacts(cert)}`,
      };
    }
  }
}

/**
 * Asks before a change that cuts integrations off, saying which and naming the app. Confirm
 * sends the POST with `confirm=yes`; Cancel goes back to the app unchanged.
 */
export function confirmChangePage(options: { admin: AdminChrome; app: ExternalClientApp; change: AppChange; now: Date }): SafeHtml {
  const { app } = options;
  return confirmPage({
    admin: options.admin,
    section: 'apps',
    crumbs: html`<a href="/console/apps">External Client App Manager</a> › <a href="/console/apps/${app.id}">${app.name}</a>`,
    cancel: `/console/apps/${app.id}`,
    confirmation: changeWording(app, options.change, options.now),
  });
}

export interface OAuthSettingsValues {
  readonly jwtBearer: boolean;
  readonly clientCredentials: boolean;
  readonly usernamePassword: boolean;
  readonly scopes: string;
  readonly runAs: string;
}

export function oauthSettingsPage(options: {
  admin: AdminChrome;
  app: ExternalClientApp;
  users: readonly User[];
  values?: OAuthSettingsValues;
  error?: { field?: string | undefined; message: string } | null;
}): SafeHtml {
  const { app, admin } = options;
  const v: OAuthSettingsValues = options.values ?? {
    ...app.flows,
    scopes: app.scopes.join(' '),
    runAs: app.clientCredentialsRunAs ?? '',
  };
  const certError = options.error && ['certificate', 'flows.jwtBearer'].includes(options.error.field ?? '') ? options.error.message : null;
  return layout(
    {
      title: 'Edit OAuth Settings',
      admin,
      section: 'apps',
      crumbs: html`<a href="/console/apps">External Client App Manager</a> › <a href="/console/apps/${app.id}">${app.name}</a>`,
      notice: options.error ? { kind: 'error', text: options.error.message } : null,
    },
    html`<section class="card" aria-label="OAuth settings of ${app.name}">
<form method="post" action="/console/apps/${app.id}/oauth" enctype="multipart/form-data">
${csrfField(admin.csrfToken)}
<div class="field"><label for="certificate">Certificate</label>
<span class="hint" id="certificate-hint">The X.509 certificate (PEM) of the integration's signing key, e.g. the .crt.pem that <code>keygate keygen</code> writes. Never the private key. RSA 2048 bits or more, EC P-256/P-384 or Ed25519; currently valid.</span>
${certError ? html`<span class="field-error" id="certificate-error">${certError}</span>` : ''}
<input type="file" id="certificate" name="certificate" accept=".pem,.crt,.cer,application/x-pem-file" aria-describedby="certificate-hint${certError ? ' certificate-error' : ''}"${certError ? html` aria-invalid="true"` : ''}></div>
<fieldset><legend>Flows</legend>
${checkbox({ id: 'jwtBearer', label: 'Enable JWT Bearer Flow', checked: v.jwtBearer, hint: 'RFC 7523: the integration signs an assertion with its private key. Needs a valid certificate.' })}
${checkbox({ id: 'clientCredentials', label: 'Enable Client Credentials Flow', checked: v.clientCredentials, hint: 'Needs a run-as user; authenticates with the consumer secret or a client assertion.' })}
${checkbox({ id: 'usernamePassword', label: 'Enable Username-Password Flow', checked: v.usernamePassword, hint: 'Legacy: sends a user password. Keep it off.' })}
</fieldset>
${selectField({
  id: 'runAs',
  label: 'Client Credentials run-as user',
  value: v.runAs,
  choices: [{ value: '', label: 'None' }, ...options.users.map((u) => ({ value: u.username, label: u.username }))],
})}
${textField({ id: 'scopes', label: 'Scopes', value: v.scopes, hint: 'Separated by spaces.', error: options.error?.field === 'scopes' ? options.error.message : null })}
<div class="actions"><button type="submit">Save</button><a href="/console/apps/${app.id}">Cancel</a></div>
</form>
</section>`,
  );
}

export interface PoliciesValues {
  readonly permittedUsers: string;
  readonly profiles: string;
  readonly permissionSets: string;
  readonly ipRelaxation: string;
  readonly trustedIpRanges: string;
  readonly sessionTimeoutMinutes: string;
}

export function policiesPage(options: {
  admin: AdminChrome;
  app: ExternalClientApp;
  values?: PoliciesValues;
  error?: { field?: string | undefined; message: string } | null;
}): SafeHtml {
  const { app, admin } = options;
  const p = app.policies;
  const v: PoliciesValues = options.values ?? {
    permittedUsers: p.permittedUsers,
    profiles: p.profiles.join('\n'),
    permissionSets: p.permissionSets.join('\n'),
    ipRelaxation: p.ipRelaxation,
    trustedIpRanges: p.trustedIpRanges.join('\n'),
    sessionTimeoutMinutes: String(p.sessionTimeoutMinutes),
  };
  const err = (field: string) => (options.error?.field?.startsWith(field) ? options.error.message : null);
  return layout(
    {
      title: 'Edit Policies',
      admin,
      section: 'apps',
      crumbs: html`<a href="/console/apps">External Client App Manager</a> › <a href="/console/apps/${app.id}">${app.name}</a>`,
      notice: options.error ? { kind: 'error', text: options.error.message } : null,
    },
    html`<section class="card" aria-label="Policies of ${app.name}">
<form method="post" action="/console/apps/${app.id}/policies">
${csrfField(admin.csrfToken)}
${selectField({
  id: 'permittedUsers',
  label: 'Permitted users',
  value: v.permittedUsers,
  choices: [
    { value: 'adminApproved', label: 'Admin approved users are pre-authorized' },
    { value: 'selfAuthorized', label: 'All users may self-authorize' },
  ],
})}
${textField({ id: 'profiles', label: 'Profiles', value: v.profiles, multiline: true, hint: 'Pre-authorized profiles, one per line.', error: err('policies.profiles') })}
${textField({ id: 'permissionSets', label: 'Permission sets', value: v.permissionSets, multiline: true, hint: 'Pre-authorized permission sets, one per line.', error: err('policies.permissionSets') })}
${selectField({
  id: 'ipRelaxation',
  label: 'IP relaxation',
  value: v.ipRelaxation,
  choices: [
    { value: 'enforce', label: 'Enforce IP restrictions' },
    { value: 'relax', label: 'Relax IP restrictions' },
  ],
})}
${textField({ id: 'trustedIpRanges', label: 'Trusted IP ranges', value: v.trustedIpRanges, multiline: true, hint: 'CIDR ranges, one per line, e.g. 203.0.113.0/24 or 2001:db8::/32.', error: err('policies.trustedIpRanges') })}
${textField({ id: 'sessionTimeoutMinutes', label: 'Session timeout (minutes)', type: 'number', min: 1, max: 1440, value: v.sessionTimeoutMinutes, hint: 'Access-token lifetime for this app.', error: err('policies.sessionTimeoutMinutes') })}
<div class="actions"><button type="submit">Save</button><a href="/console/apps/${app.id}">Cancel</a></div>
</form>
</section>`,
  );
}
