/**
 * External Client App routes. Every write goes through the AppService, the same service the
 * admin API and the CLI call; the console only turns forms into its inputs and its errors
 * into messages beside the form.
 *
 * A change that cuts integrations off (rotating or deleting the consumer secret, removing a
 * certificate) is asked about first: its address answers GET with a confirmation page, and a
 * POST acts only when it carries the field that page's form adds (`confirm=yes`, forms.ts);
 * without it, the POST shows the same page and changes nothing.
 */
import { AdminError } from '../../admin/admin-errors.js';
import type { Flows } from '../../domain/app.js';
import { isValidCidr } from '../../platform/cidr.js';
import type { AdminSubmission, ConsoleAnswer, ConsoleDeps, ConsoleRouter } from './console-context.js';
import { confirmed, refusalMessage, type FieldLabels } from './forms.js';
import type { SafeHtml } from './html.js';
import type { Notice } from './layout.js';
import { latestStatusByApp } from './review-routes.js';
import {
  appListPage,
  appPage,
  confirmChangePage,
  newAppPage,
  oauthSettingsPage,
  policiesPage,
  secretOncePage,
  type AdminChrome,
  type NewAppValues,
  type OAuthSettingsValues,
  type PoliciesValues,
} from './pages/app-pages.js';

type IdParams = { id: string };
type CertificateParams = { id: string; certificateId: string };

const SAVED: Record<string, string> = {
  created: 'The app was created.',
  oauth: 'OAuth settings saved.',
  policies: 'Policies saved.',
  'certificate-removed': 'The certificate was removed.',
  'secret-deleted': 'The consumer secret was deleted; nothing can authenticate with it any more.',
};

const NEW_APP_LABELS: FieldLabels = { name: 'Name', contactEmail: 'Contact email', scopes: 'Scopes' };
const OAUTH_LABELS: FieldLabels = { scopes: 'Scopes', clientCredentialsRunAs: 'Client Credentials run-as user' };
const POLICY_LABELS: FieldLabels = {
  'policies.permittedUsers': 'Permitted users',
  'policies.profiles': 'Profiles',
  'policies.permissionSets': 'Permission sets',
  'policies.ipRelaxation': 'IP relaxation',
  'policies.trustedIpRanges': 'Trusted IP ranges',
  'policies.sessionTimeoutMinutes': 'Session timeout',
};

function savedNotice(query: unknown): Notice | null {
  const key = (query as { saved?: string }).saved;
  return key && SAVED[key] ? { kind: 'ok', text: SAVED[key] } : null;
}

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

export function registerAppRoutes(router: ConsoleRouter, deps: ConsoleDeps): void {
  const { apps, users, history } = deps.services;

  router.page('/apps', async ({ chrome }) => {
    const [list, review] = await Promise.all([apps.list(), latestStatusByApp(deps.review)]);
    return appListPage({ admin: chrome, apps: list, now: deps.clock.now(), review });
  });

  router.page('/apps/new', async ({ chrome }) => newAppPage({ admin: chrome }));

  router.form('/apps', async ({ chrome, form }) => {
    const values: NewAppValues = { ...form.texts('name', 'contactEmail', 'scopes'), generateSecret: form.checked('generateSecret') };
    try {
      const { app, consumerSecret } = await apps.create({
        name: values.name,
        ...(values.contactEmail && { contactEmail: values.contactEmail }),
        scopes: words(values.scopes),
        generateSecret: values.generateSecret,
      });
      if (consumerSecret) return secretOncePage({ admin: chrome, app, secret: consumerSecret, created: true });
      return { redirect: `/console/apps/${app.id}?saved=created` };
    } catch (err) {
      if (!(err instanceof AdminError)) throw err;
      return { status: err.status, page: newAppPage({ admin: chrome, values, error: { field: err.field?.split('.')[0], message: refusalMessage(err, NEW_APP_LABELS) } }) };
    }
  });

  /** The app's page: its settings, its last sign-ins and its latest review status, under a notice. */
  const showApp = async (chrome: AdminChrome, id: string, notice: Notice | null): Promise<SafeHtml> => {
    const app = await apps.get({ id });
    const [activity, review] = await Promise.all([history.queryLoginHistory({ appId: app.id, limit: 10 }), latestStatusByApp(deps.review)]);
    return appPage({ admin: chrome, app, now: deps.clock.now(), activity: activity.events, review: review?.get(app.name) ?? null, notice });
  };

  router.page<IdParams>('/apps/:id', async ({ chrome, req }, { id }) => showApp(chrome, id, savedNotice(req.query)));

  router.page<IdParams>('/apps/:id/oauth', async ({ chrome }, { id }) => {
    const [app, userList] = await Promise.all([apps.get({ id }), users.list()]);
    return oauthSettingsPage({ admin: chrome, app, users: userList });
  });

  router.multipart<IdParams>('/apps/:id/oauth', async ({ chrome, form, files }, { id }) => {
    const app = await apps.get({ id });
    const values: OAuthSettingsValues = {
      jwtBearer: form.checked('jwtBearer'),
      clientCredentials: form.checked('clientCredentials'),
      usernamePassword: form.checked('usernamePassword'),
      ...form.texts('scopes', 'runAs'),
    };
    const upload = files.get('certificate');
    const flows: Flows = { jwtBearer: values.jwtBearer, clientCredentials: values.clientCredentials, usernamePassword: values.usernamePassword };
    const runAs = values.runAs || null;
    try {
      // A file chosen but empty would otherwise read as no file, and the form as saved.
      if (upload && upload.data.toString('utf8').trim() === '') {
        throw new AdminError('certificate_rejected', `the file "${upload.filename}" is empty: choose the .crt.pem that holds the certificate`, 'certificate');
      }
      // The form is saved whole or not at all: a refused certificate must not leave a new
      // run-as user behind.
      await apps.updateOAuthSettings(
        { id },
        {
          ...(upload && { certificatePem: upload.data.toString('utf8') }),
          flows,
          scopes: words(values.scopes),
          ...(runAs !== app.clientCredentialsRunAs && { clientCredentialsRunAs: runAs }),
        },
      );
      return { redirect: `/console/apps/${id}?saved=oauth` };
    } catch (err) {
      if (!(err instanceof AdminError) || err.code === 'not_found') throw err;
      const [current, userList] = await Promise.all([apps.get({ id }), users.list()]);
      const field = err.code === 'certificate_rejected' ? 'certificate' : err.field;
      return { status: err.status, page: oauthSettingsPage({ admin: chrome, app: current, users: userList, values, error: { field, message: refusalMessage(err, OAUTH_LABELS) } }) };
    }
  });

  router.page<IdParams>('/apps/:id/policies', async ({ chrome }, { id }) => policiesPage({ admin: chrome, app: await apps.get({ id }) }));

  router.form<IdParams>('/apps/:id/policies', async (ctx, { id }) => savePolicies(ctx, deps, id));

  /** The confirmation page of a change to the app; null when there is nothing to confirm (no secret to replace). */
  const askAbout = async (chrome: AdminChrome, id: string, kind: 'rotate-secret' | 'delete-secret'): Promise<ConsoleAnswer | null> => {
    const app = await apps.get({ id });
    if (!app.consumerSecretHash) return null;
    return confirmChangePage({ admin: chrome, app, change: { kind }, now: deps.clock.now() });
  };

  const askToRemoveCertificate = async (chrome: AdminChrome, { id, certificateId }: CertificateParams): Promise<ConsoleAnswer> => {
    const app = await apps.get({ id });
    const certificate = app.certificates.find((c) => c.id === certificateId);
    if (!certificate) throw new AdminError('not_found', `the app has no certificate ${certificateId}`);
    return confirmChangePage({ admin: chrome, app, change: { kind: 'remove-certificate', certificate }, now: deps.clock.now() });
  };

  const backToApp = (id: string): ConsoleAnswer => ({ redirect: `/console/apps/${id}` });

  router.page<IdParams>('/apps/:id/secret', async ({ chrome }, { id }) => (await askAbout(chrome, id, 'rotate-secret')) ?? backToApp(id));

  router.form<IdParams>('/apps/:id/secret', async ({ chrome, form }, { id }) => {
    // Generating the app's first secret cuts no one off, so only replacing one is asked about.
    const ask = confirmed(form) ? null : await askAbout(chrome, id, 'rotate-secret');
    if (ask) return ask;
    const { app, consumerSecret } = await apps.rotateSecret({ id });
    return secretOncePage({ admin: chrome, app, secret: consumerSecret!, created: false });
  });

  router.page<IdParams>('/apps/:id/secret/delete', async ({ chrome }, { id }) => (await askAbout(chrome, id, 'delete-secret')) ?? backToApp(id));

  router.form<IdParams>('/apps/:id/secret/delete', async ({ chrome, form }, { id }) => {
    if (!confirmed(form)) return (await askAbout(chrome, id, 'delete-secret')) ?? backToApp(id);
    try {
      await apps.removeSecret({ id });
      return { redirect: `/console/apps/${id}?saved=secret-deleted` };
    } catch (err) {
      if (!(err instanceof AdminError) || err.code === 'not_found') throw err;
      return { status: err.status, page: await showApp(chrome, id, { kind: 'error', text: refusalMessage(err) }) };
    }
  });

  router.page<CertificateParams>('/apps/:id/certificates/:certificateId/remove', async ({ chrome }, params) => askToRemoveCertificate(chrome, params));

  router.form<CertificateParams>('/apps/:id/certificates/:certificateId/remove', async ({ chrome, form }, params) => {
    if (!confirmed(form)) return askToRemoveCertificate(chrome, params);
    const { id, certificateId } = params;
    try {
      await apps.removeCertificate({ id }, certificateId);
      return { redirect: `/console/apps/${id}?saved=certificate-removed` };
    } catch (err) {
      if (!(err instanceof AdminError) || err.code === 'not_found') throw err;
      return { status: err.status, page: await showApp(chrome, id, { kind: 'error', text: refusalMessage(err) }) };
    }
  });
}

async function savePolicies({ chrome, form }: AdminSubmission, deps: ConsoleDeps, id: string): Promise<ConsoleAnswer> {
  const { apps } = deps.services;
  const values: PoliciesValues = form.texts('permittedUsers', 'profiles', 'permissionSets', 'ipRelaxation', 'trustedIpRanges', 'sessionTimeoutMinutes');
  const refuse = async (field: string, message: string) => ({
    status: 422,
    page: policiesPage({ admin: chrome, app: await apps.get({ id }), values, error: { field, message } }),
  });
  const ranges = form.list('trustedIpRanges');
  const badRange = ranges.find((r) => !isValidCidr(r));
  if (badRange !== undefined) {
    return refuse('policies.trustedIpRanges', `Trusted IP ranges: "${badRange}" is not a valid CIDR range (expected e.g. 203.0.113.0/24 or 2001:db8::/32).`);
  }
  const timeout = Number(values.sessionTimeoutMinutes);
  if (!/^\d+$/.test(values.sessionTimeoutMinutes) || timeout < 1 || timeout > 1440) {
    return refuse('policies.sessionTimeoutMinutes', 'Session timeout: enter a whole number of minutes from 1 to 1440.');
  }
  try {
    await apps.update(
      { id },
      {
        policies: {
          permittedUsers: values.permittedUsers as 'adminApproved',
          profiles: form.list('profiles'),
          permissionSets: form.list('permissionSets'),
          ipRelaxation: values.ipRelaxation as 'enforce',
          trustedIpRanges: ranges,
          sessionTimeoutMinutes: timeout,
        },
      },
    );
    return { redirect: `/console/apps/${id}?saved=policies` };
  } catch (err) {
    if (!(err instanceof AdminError) || err.code === 'not_found') throw err;
    return refuse(err.field ?? '', refusalMessage(err, POLICY_LABELS));
  }
}
