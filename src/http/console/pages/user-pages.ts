/**
 * Users: the list with the creation form, one user's page, a new TOTP secret shown once, and
 * the confirmation asked before TOTP is removed.
 */
import type { User } from '../../../domain/user.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, layout, pill, textField, type Notice } from '../layout.js';
import type { AdminChrome } from './app-pages.js';
import { confirmPage } from './confirm-page.js';

export interface NewUserValues {
  readonly username: string;
  readonly email: string;
  readonly profile: string;
  readonly permissionSets: string;
  readonly permissions: string;
}

type FieldError = { field?: string | undefined; message: string } | null | undefined;

function status(user: User): SafeHtml {
  return html`${user.active ? pill('ok', 'Active') : pill('muted', 'Inactive')} ${user.locked ? pill('bad', 'Locked') : ''} ${
    user.totpSecret ? pill('ok', 'TOTP') : ''
  }`;
}

export function usersPage(options: { admin: AdminChrome; users: readonly User[]; values?: NewUserValues; error?: FieldError; notice?: Notice | null }): SafeHtml {
  const v = options.values ?? { username: '', email: '', profile: 'Standard User', permissionSets: '', permissions: '' };
  const err = (field: string) => (options.error?.field === field ? options.error.message : null);
  return layout(
    {
      title: 'Users',
      admin: options.admin,
      section: 'users',
      notice: options.error ? { kind: 'error', text: `The user was not created: ${options.error.message}` } : (options.notice ?? null),
    },
    html`<section class="card" aria-labelledby="users-heading">
<h2 id="users-heading">All users</h2>
<table><thead><tr><th scope="col">Username</th><th scope="col">Profile</th><th scope="col">Permission sets</th><th scope="col">Status</th></tr></thead><tbody>${options.users.map(
      (u) => html`<tr><td><a href="/console/users/${u.id}">${u.username}</a></td><td>${u.profile}</td><td>${u.permissionSets.join(', ')}</td><td>${status(u)}</td></tr>`,
    )}</tbody></table>
</section>
<section class="card" aria-labelledby="new-user-heading">
<h2 id="new-user-heading">New user</h2>
<form method="post" action="/console/users">
${csrfField(options.admin.csrfToken)}
${textField({ id: 'username', label: 'Username', value: v.username, required: true, error: err('username') })}
${textField({ id: 'email', label: 'Email', type: 'email', value: v.email, error: err('email') })}
${textField({ id: 'profile', label: 'Profile', value: v.profile, error: err('profile') })}
${textField({ id: 'permissionSets', label: 'Permission sets', value: v.permissionSets, multiline: true, hint: 'One per line.', error: err('permissionSets') })}
${textField({ id: 'permissions', label: 'Permissions', value: v.permissions, multiline: true, hint: 'One per line, e.g. ManageUsers for console access. Integration users need none.', error: err('permissions') })}
${textField({ id: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', hint: 'Optional; at least 12 characters. Needed for console sign-in.', error: err('password') })}
<button type="submit">Create user</button>
</form>
</section>`,
  );
}

/** The access form as submitted, shown again when it was refused. */
export interface UserAccessValues {
  readonly email: string;
  readonly profile: string;
  readonly permissionSets: string;
  readonly permissions: string;
}

export function userPage(options: {
  admin: AdminChrome;
  adminUserId: string;
  user: User;
  error?: FieldError;
  notice?: Notice | null;
  values?: UserAccessValues | null;
}): SafeHtml {
  const { user, admin } = options;
  const values: UserAccessValues = options.values ?? {
    email: user.email,
    profile: user.profile,
    permissionSets: user.permissionSets.join('\n'),
    permissions: user.permissions.join('\n'),
  };
  const self = user.id === options.adminUserId;
  const err = (field: string) => (options.error?.field === field ? options.error.message : null);
  return layout(
    {
      title: user.username,
      admin,
      section: 'users',
      crumbs: html`<a href="/console/users">Users</a>`,
      notice: options.error ? { kind: 'error', text: options.error.message } : (options.notice ?? null),
    },
    html`<section class="card" aria-labelledby="status-heading">
<h2 id="status-heading">Status</h2>
<p>${status(user)}</p>
${
  self
    ? html`<p class="hint">You cannot deactivate or lock your own account.</p>`
    : html`<div class="actions">
<form method="post" action="/console/users/${user.id}/status">${csrfField(admin.csrfToken)}<input type="hidden" name="action" value="${user.active ? 'deactivate' : 'activate'}"><button type="submit" class="${user.active ? 'danger' : 'secondary'}">${user.active ? 'Deactivate' : 'Activate'}</button></form>
<form method="post" action="/console/users/${user.id}/status">${csrfField(admin.csrfToken)}<input type="hidden" name="action" value="${user.locked ? 'unlock' : 'lock'}"><button type="submit" class="${user.locked ? 'secondary' : 'danger'}">${user.locked ? 'Unlock' : 'Lock'}</button></form>
</div>`
}
</section>
<section class="card" aria-labelledby="access-heading">
<h2 id="access-heading">Profile and permission sets</h2>
<form method="post" action="/console/users/${user.id}">
${csrfField(admin.csrfToken)}
${textField({ id: 'email', label: 'Email', type: 'email', value: values.email, required: true, error: err('email') })}
${textField({ id: 'profile', label: 'Profile', value: values.profile, required: true, error: err('profile') })}
${textField({ id: 'permissionSets', label: 'Permission sets', value: values.permissionSets, multiline: true, hint: 'One per line.', error: err('permissionSets') })}
${textField({ id: 'permissions', label: 'Permissions', value: values.permissions, multiline: true, hint: 'One per line.', error: err('permissions') })}
${textField({ id: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: 'Leave empty to keep the current password.', error: err('password') })}
<button type="submit">Save</button>
</form>
</section>
<section class="card" aria-labelledby="totp-heading">
<h2 id="totp-heading">Two-factor sign-in</h2>
<p>${user.totpSecret ? 'A TOTP code is required at console sign-in.' : 'No second factor is required.'}</p>
${
  // Removing the second factor leads to a confirmation page; requiring one only strengthens sign-in.
  user.totpSecret
    ? html`<p><a class="button danger" href="/console/users/${user.id}/totp/remove">Remove TOTP</a></p>`
    : html`<form method="post" action="/console/users/${user.id}/totp">${csrfField(admin.csrfToken)}
<input type="hidden" name="action" value="require">
<button type="submit" class="secondary">Require TOTP</button></form>`
}
</section>`,
  );
}

export function totpSecretPage(options: { admin: AdminChrome; user: User; secret: string; uri: string }): SafeHtml {
  return layout(
    {
      title: 'TOTP required',
      admin: options.admin,
      section: 'users',
      crumbs: html`<a href="/console/users">Users</a> › <a href="/console/users/${options.user.id}">${options.user.username}</a>`,
      notice: { kind: 'warn', text: 'Add this secret to the user\'s authenticator app now: it is shown once.' },
    },
    html`<section class="card" aria-labelledby="totp-secret-heading">
<h2 id="totp-secret-heading">Authenticator secret for ${options.user.username}</h2>
<div class="field"><label for="totp-secret">Secret (base32)</label>
<div class="secret"><input type="text" id="totp-secret" value="${options.secret}" readonly autocomplete="off" spellcheck="false">
<button type="button" class="secondary" data-copy-target="totp-secret" aria-describedby="copy-status" hidden>Copy</button></div>
<span class="hint" id="copy-status" role="status"></span></div>
<div class="field"><label for="totp-uri">Key URI</label><input type="text" id="totp-uri" value="${options.uri}" readonly autocomplete="off" spellcheck="false"></div>
<p><a class="button" href="/console/users/${options.user.id}">Done</a></p>
</section>`,
  );
}

/**
 * Asks before a user's TOTP is removed, naming the user: their console sign-in then needs only
 * the password. Confirm sends the POST with `confirm=yes`; Cancel goes back to the user unchanged.
 */
export function confirmTotpRemovalPage(options: { admin: AdminChrome; user: User }): SafeHtml {
  const { user } = options;
  return confirmPage({
    admin: options.admin,
    section: 'users',
    crumbs: html`<a href="/console/users">Users</a> › <a href="/console/users/${user.id}">${user.username}</a>`,
    cancel: `/console/users/${user.id}`,
    confirmation: {
      title: `Remove TOTP from ${user.username}?`,
      action: `/console/users/${user.id}/totp/remove`,
      button: 'Remove TOTP',
      consequences: html`<p><strong>Console sign-in as ${user.username} will then need only the password</strong>: no TOTP code is asked for.</p>
<p>The authenticator secret is deleted; requiring TOTP again on the user's page generates a new one.</p>`,
    },
  });
}
