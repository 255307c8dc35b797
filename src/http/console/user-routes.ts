/**
 * User routes: create, edit profile and permission sets, deactivate, lock, require TOTP.
 *
 * Removing TOTP weakens the user's sign-in, so it is asked about first, as app changes that cut
 * integrations off are: GET on its address shows the confirmation page, and a POST acts only
 * with `confirm=yes`; without it, the POST shows the same page and changes nothing.
 */
import { AdminError } from '../../admin/admin-errors.js';
import { generateTotpSecret, totpUri } from '../../admin/console-auth-totp.js';
import type { ConsoleAnswer, ConsoleDeps, ConsoleRouter } from './console-context.js';
import type { Notice } from './layout.js';
import type { AdminChrome } from './pages/app-pages.js';
import { confirmTotpRemovalPage, totpSecretPage, userPage, usersPage, type NewUserValues } from './pages/user-pages.js';
import { confirmed, refusalMessage, type FieldLabels } from './forms.js';

type IdParams = { id: string };

const USER_LABELS: FieldLabels = {
  username: 'Username',
  email: 'Email',
  profile: 'Profile',
  permissionSets: 'Permission sets',
  permissions: 'Permissions',
  password: 'Password',
};
const ACCESS_LABELS: FieldLabels = { ...USER_LABELS, password: 'New password' };

/** The access form's fields a user cannot be without, and what an emptied one is told. */
const REQUIRED_ACCESS_FIELDS = ['email', 'profile'] as const;
const REQUIRED_MESSAGES: Record<(typeof REQUIRED_ACCESS_FIELDS)[number], string> = {
  email: 'Email: enter an email address; a user cannot be left without one.',
  profile: 'Profile: enter a profile; every user has one (Standard User unless another is given).',
};

const SAVED: Record<string, string> = {
  created: 'The user was created.',
  saved: 'Saved.',
  deactivate: 'The user was deactivated.',
  activate: 'The user was activated.',
  lock: 'The user was locked.',
  unlock: 'The user was unlocked.',
  'totp-removed': 'TOTP is no longer required.',
};

function savedNotice(query: unknown): Notice | null {
  const key = (query as { saved?: string }).saved;
  return key && SAVED[key] ? { kind: 'ok', text: SAVED[key] } : null;
}

function lines(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\n/)
    .map((v) => v.trim())
    .filter(Boolean);
}

export function registerUserRoutes(router: ConsoleRouter, deps: ConsoleDeps): void {
  const { users } = deps.services;

  router.page('/users', async ({ chrome, req }) => usersPage({ admin: chrome, users: await users.list(), notice: savedNotice(req.query) }));

  router.form('/users', async ({ chrome, form }) => {
    const values: NewUserValues = form.texts('username', 'email', 'profile', 'permissionSets', 'permissions');
    const password = form.raw('password') ?? '';
    try {
      const user = await users.create({
        username: values.username,
        ...(values.email && { email: values.email }),
        ...(values.profile && { profile: values.profile }),
        permissionSets: lines(values.permissionSets),
        permissions: lines(values.permissions),
        ...(password && { password }),
      });
      return { redirect: `/console/users/${user.id}?saved=created` };
    } catch (err) {
      if (!(err instanceof AdminError)) throw err;
      return {
        status: err.status,
        page: usersPage({ admin: chrome, users: await users.list(), values, error: { field: err.field?.split('.')[0], message: refusalMessage(err, USER_LABELS) } }),
      };
    }
  });

  router.page<IdParams>('/users/:id', async ({ chrome, admin, req }, { id }) =>
    userPage({ admin: chrome, adminUserId: admin.id, user: await users.get({ id }), notice: savedNotice(req.query) }),
  );

  router.form<IdParams>('/users/:id', async ({ chrome, admin, form }, { id }) => {
    const permissions = lines(form.text('permissions'));
    const password = form.raw('password') ?? '';
    // A refused save shows the form as it was sent, not as it is stored.
    const values = form.texts('email', 'profile', 'permissionSets', 'permissions');
    const refuse = async (field: string | undefined, message: string) => ({
      status: 422,
      page: userPage({ admin: chrome, adminUserId: admin.id, user: await users.get({ id }), error: { field, message }, values }),
    });
    if (id === admin.id && !permissions.includes('ManageUsers')) {
      return refuse('permissions', 'You cannot remove ManageUsers from your own account: you would lose access to the console.');
    }
    // Every user has an email and a profile (the admin API refuses null for either): a field
    // emptied here cannot be saved as empty, and keeping the old value would not be what was asked.
    const missing = REQUIRED_ACCESS_FIELDS.find((field) => form.text(field) === '');
    if (missing) return refuse(missing, REQUIRED_MESSAGES[missing]);
    try {
      await users.update(
        { id },
        {
          ...(form.text('email') !== undefined && { email: form.text('email') }),
          ...(form.text('profile') !== undefined && { profile: form.text('profile') }),
          permissionSets: lines(form.text('permissionSets')),
          permissions,
          ...(password && { password }),
        },
      );
      return { redirect: `/console/users/${id}?saved=saved` };
    } catch (err) {
      if (!(err instanceof AdminError) || err.code === 'not_found') throw err;
      return refuse(err.field?.split('.')[0], refusalMessage(err, ACCESS_LABELS));
    }
  });

  router.form<IdParams>('/users/:id/status', async ({ chrome, admin, form }, { id }) => {
    const action = form.text('action');
    const change =
      action === 'deactivate' ? { active: false } : action === 'activate' ? { active: true } : action === 'lock' ? { locked: true } : action === 'unlock' ? { locked: false } : null;
    const user = await users.get({ id });
    if (change === null || id === admin.id) {
      const message = change === null ? 'Unknown action.' : 'You cannot deactivate or lock your own account.';
      return { status: 409, page: userPage({ admin: chrome, adminUserId: admin.id, user, error: { message } }) };
    }
    await users.update({ id }, change);
    return { redirect: `/console/users/${id}?saved=${action}` };
  });

  /** The confirmation page of removing the user's TOTP; back to the user when there is none to remove. */
  const askToRemoveTotp = async (chrome: AdminChrome, id: string): Promise<ConsoleAnswer> => {
    const user = await users.get({ id });
    return user.totpSecret ? confirmTotpRemovalPage({ admin: chrome, user }) : { redirect: `/console/users/${id}` };
  };

  router.form<IdParams>('/users/:id/totp', async ({ chrome, form }, { id }) => {
    // A removal from a user page of an earlier version asks too.
    if (form.text('action') === 'remove') return askToRemoveTotp(chrome, id);
    const secret = generateTotpSecret();
    const user = await users.setTotpSecret({ id }, secret);
    return totpSecretPage({ admin: chrome, user, secret, uri: totpUri(secret, user.username, 'Keygate') });
  });

  router.page<IdParams>('/users/:id/totp/remove', async ({ chrome }, { id }) => askToRemoveTotp(chrome, id));

  router.form<IdParams>('/users/:id/totp/remove', async ({ chrome, form }, { id }) => {
    if (!confirmed(form)) return askToRemoveTotp(chrome, id);
    await users.setTotpSecret({ id }, null);
    return { redirect: `/console/users/${id}?saved=totp-removed` };
  });
}
