/**
 * External Client Apps: creation, OAuth settings, flows, policies, certificates and the
 * consumer secret. Every write is checked here, whichever surface asked for it.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_FLOWS, MAX_CERTIFICATES_PER_APP, type ExternalClientApp, type FlowName, type Flows } from '../domain/app.js';
import { isCurrentlyValid, type Certificate } from '../domain/certificate.js';
import { defaultSessionTimeoutMinutes } from '../domain/org.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import { generateSecret, hashSecret } from '../platform/secrets.js';
import { CertificateRejectedError, parseCertificatePem } from '../platform/x509.js';
import { AdminError } from './admin-errors.js';
import { CreateAppInput, UpdateAppInput, parseInput } from './inputs.js';
import type { AdminStore, AppRow, ChangeNotifier } from './ports.js';

export type AppRef = { id: string } | { name: string } | { consumerKey: string };

export interface AppServiceDeps {
  readonly store: AdminStore;
  readonly clock: Clock;
  readonly notifier: ChangeNotifier;
}

/** A consumer secret is shown once, in the response that created it. */
export interface WithSecret<T> {
  readonly app: T;
  readonly consumerSecret: string | null;
}

export const FLOW_LABEL: Record<FlowName, string> = {
  jwtBearer: 'JWT Bearer',
  clientCredentials: 'Client Credentials',
  usernamePassword: 'Username-Password',
};

function describeRef(ref: AppRef): string {
  return 'id' in ref ? `id ${ref.id}` : 'name' in ref ? `"${ref.name}"` : `consumer key "${ref.consumerKey}"`;
}

/** Parses and validates an uploaded certificate; any refusal becomes a clear admin error. */
export function acceptCertificate(pem: string, now: Date): Certificate {
  try {
    const { publicKey: _key, ...facts } = parseCertificatePem(pem, now);
    return { id: newId('0Lh'), ...facts, addedAt: now };
  } catch (err) {
    if (err instanceof CertificateRejectedError) throw new AdminError('certificate_rejected', err.message, 'certificate');
    throw err;
  }
}

/**
 * The certificates listed when an app is created, each accepted and named by its place in the
 * list; the same certificate listed twice is refused here rather than by the store's unique key.
 */
function acceptCertificateList(pems: readonly string[], now: Date): Certificate[] {
  const seen = new Set<string>();
  return pems.map((pem, index) => {
    const field = `certificates.${index}`;
    let certificate: Certificate;
    try {
      certificate = acceptCertificate(pem, now);
    } catch (err) {
      if (err instanceof AdminError) throw new AdminError(err.code, err.detail, field);
      throw err;
    }
    if (seen.has(certificate.fingerprintSha256)) throw new AdminError('validation_failed', `${field}: this certificate is listed twice`, field);
    seen.add(certificate.fingerprintSha256);
    return certificate;
  });
}

function requireCertificateFor(flows: Flows, certificates: readonly Certificate[], now: Date): void {
  if (flows.jwtBearer && !certificates.some((c) => isCurrentlyValid(c, now))) {
    throw new AdminError(
      'certificate_required',
      'the JWT Bearer flow needs a currently valid certificate on the app: upload the X.509 certificate of the integration\'s signing key first',
      'flows.jwtBearer',
    );
  }
}

/**
 * An app's run-as user is a user that exists, whether or not its Client Credentials flow is on:
 * the flow's tokens are issued as that user, and a missing one kept while the flow is off would
 * be found only when it is switched on. While the flow is on, the app has one.
 */
async function requireRunAsFor(store: Pick<AdminStore, 'findUser'>, flows: Flows, runAs: string | null): Promise<void> {
  if (flows.clientCredentials && !runAs) {
    throw new AdminError('validation_failed', 'the Client Credentials flow needs a run-as user (clientCredentialsRunAs)', 'clientCredentialsRunAs');
  }
  if (runAs !== null && !(await store.findUser({ username: runAs }))) {
    throw new AdminError('validation_failed', `the run-as user "${runAs}" does not exist: create the user first`, 'clientCredentialsRunAs');
  }
}

export class AppService {
  constructor(private readonly deps: AppServiceDeps) {}

  list(): Promise<ExternalClientApp[]> {
    return this.deps.store.listApps();
  }

  async get(ref: AppRef): Promise<ExternalClientApp> {
    const app = await this.deps.store.findApp(ref);
    if (!app) throw new AdminError('not_found', `no External Client App with ${describeRef(ref)}`);
    return app;
  }

  /** The session timeout of an app created without one: the org's access-token lifetime (one hour before any org exists). */
  async #defaultSessionTimeout(): Promise<number> {
    const org = await this.deps.store.getOrg();
    return org ? defaultSessionTimeoutMinutes(org) : 60;
  }

  async create(input: CreateAppInput): Promise<WithSecret<ExternalClientApp>> {
    const data = parseInput(CreateAppInput, input);
    const now = this.deps.clock.now();
    const certificates = acceptCertificateList(data.certificates, now);
    const flows = { ...DEFAULT_FLOWS, ...data.flows };
    requireCertificateFor(flows, certificates, now);
    const consumerSecret = data.generateSecret ? generateSecret() : null;
    const row: AppRow = {
      id: newId('0xI'),
      name: data.name,
      consumerKey: data.consumerKey ?? `3MVG${randomBytes(24).toString('base64url')}`,
      consumerSecretHash: consumerSecret ? await hashSecret(consumerSecret) : null,
      consumerSecretCreatedAt: consumerSecret ? now : null,
      contactEmail: data.contactEmail ?? '',
      scopes: data.scopes,
      flows,
      clientCredentialsRunAs: data.clientCredentialsRunAs ?? null,
      requireJti: data.requireJti,
      accessTokenFormat: data.accessTokenFormat,
      assertionProfile: data.assertionProfile,
      keyCustody: data.keyCustody,
      policies: { ...data.policies, sessionTimeoutMinutes: data.policies.sessionTimeoutMinutes ?? (await this.#defaultSessionTimeout()) },
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.transaction(async (store) => {
      if (await store.findApp({ name: row.name })) throw new AdminError('conflict', `an app named "${row.name}" already exists`, 'name');
      // Apps are found by id or name: a name that is another app's id would name both.
      if (await store.findApp({ id: row.name })) throw new AdminError('conflict', 'that name is another app\'s id', 'name');
      if (await store.findApp({ consumerKey: row.consumerKey })) {
        throw new AdminError('conflict', 'another app already uses that consumer key', 'consumerKey');
      }
      await requireRunAsFor(store, row.flows, row.clientCredentialsRunAs);
      await store.insertApp(row);
      for (const cert of certificates) await store.addCertificate(row.id, cert);
    });
    await this.deps.notifier.changed();
    return { app: await this.get({ id: row.id }), consumerSecret };
  }

  /** Applies a partial update; flows and run-as rules are checked against the result. */
  async update(ref: AppRef, input: UpdateAppInput): Promise<ExternalClientApp> {
    const data = parseInput(UpdateAppInput, input);
    return this.#write(ref, (app) => ({
      ...app,
      ...(data.contactEmail !== undefined && { contactEmail: data.contactEmail }),
      ...(data.scopes !== undefined && { scopes: data.scopes }),
      ...(data.clientCredentialsRunAs !== undefined && { clientCredentialsRunAs: data.clientCredentialsRunAs }),
      ...(data.requireJti !== undefined && { requireJti: data.requireJti }),
      ...(data.accessTokenFormat !== undefined && { accessTokenFormat: data.accessTokenFormat }),
      ...(data.assertionProfile !== undefined && { assertionProfile: data.assertionProfile }),
      ...(data.keyCustody !== undefined && { keyCustody: data.keyCustody }),
      flows: { ...app.flows, ...data.flows },
      policies: { ...app.policies, ...data.policies },
    }));
  }

  setFlow(ref: AppRef, flow: FlowName, enabled: boolean): Promise<ExternalClientApp> {
    if (!Object.hasOwn(DEFAULT_FLOWS, flow)) return Promise.reject(new AdminError('not_found', `no flow named "${String(flow)}"`, 'flow'));
    return this.#write(ref, (app) => ({ ...app, flows: { ...app.flows, [flow]: enabled } }));
  }

  /**
   * The seed control's remediation in one step, as the OAuth settings form submits it:
   * optionally add a certificate, then set flows and scopes, atomically.
   */
  async updateOAuthSettings(
    ref: AppRef,
    input: { certificatePem?: string; flows?: Partial<Flows>; scopes?: string[]; clientCredentialsRunAs?: string | null },
  ): Promise<ExternalClientApp> {
    const certificate = input.certificatePem ? acceptCertificate(input.certificatePem, this.deps.clock.now()) : null;
    const update = parseInput(UpdateAppInput, { flows: input.flows, scopes: input.scopes, clientCredentialsRunAs: input.clientCredentialsRunAs });
    // One write: the flows are judged against the run-as user they will have, and a refusal
    // (a bad certificate, a flow without its precondition) leaves every setting as it was.
    return this.#write(
      ref,
      (app) => ({
        ...app,
        flows: { ...app.flows, ...update.flows },
        ...(update.scopes && { scopes: update.scopes }),
        ...(update.clientCredentialsRunAs !== undefined && { clientCredentialsRunAs: update.clientCredentialsRunAs }),
      }),
      certificate,
    );
  }

  /** Refuses, as {@link addCertificate} would, a certificate that is weak, malformed or not valid now. */
  judgeCertificate(pem: string): void {
    acceptCertificate(pem, this.deps.clock.now());
  }

  async addCertificate(ref: AppRef, pem: string): Promise<Certificate> {
    const certificate = acceptCertificate(pem, this.deps.clock.now());
    await this.#write(ref, (app) => app, certificate);
    return certificate;
  }

  async removeCertificate(ref: AppRef, certificateId: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (store) => {
      const app = await store.findApp(ref);
      if (!app) throw new AdminError('not_found', `no External Client App with ${describeRef(ref)}`);
      const cert = app.certificates.find((c) => c.id === certificateId || c.fingerprintSha256 === certificateId.toLowerCase().replace(/:/g, ''));
      if (!cert) throw new AdminError('not_found', `the app has no certificate ${certificateId}`);
      const remaining = app.certificates.filter((c) => c !== cert);
      // Only a currently valid certificate can be the last one the flow needs.
      if (app.flows.jwtBearer && isCurrentlyValid(cert, now) && !remaining.some((c) => isCurrentlyValid(c, now))) {
        throw new AdminError(
          'certificate_required',
          'this is the app\'s last valid certificate and the JWT Bearer flow is on: add the replacement certificate first, or disable the flow',
        );
      }
      await store.removeCertificate(app.id, cert.id);
      await store.updateApp({ ...app, updatedAt: now });
    });
    await this.deps.notifier.changed();
  }

  /** Issues a new consumer secret, returned once; the old one stops working at once. */
  async rotateSecret(ref: AppRef): Promise<WithSecret<ExternalClientApp>> {
    const secret = generateSecret();
    const hash = await hashSecret(secret);
    const now = this.deps.clock.now();
    const app = await this.#write(ref, (a) => ({ ...a, consumerSecretHash: hash, consumerSecretCreatedAt: now }));
    return { app, consumerSecret: secret };
  }

  /** Sets a secret chosen outside Keygate (declarative configuration); stored only as a hash. */
  async setSecret(ref: AppRef, secret: string): Promise<ExternalClientApp> {
    const hash = await hashSecret(secret);
    const now = this.deps.clock.now();
    return this.#write(ref, (a) => ({ ...a, consumerSecretHash: hash, consumerSecretCreatedAt: now }));
  }

  async removeSecret(ref: AppRef): Promise<ExternalClientApp> {
    return this.#write(ref, (a) => ({ ...a, consumerSecretHash: null, consumerSecretCreatedAt: null }));
  }

  async delete(ref: AppRef): Promise<void> {
    const app = await this.get(ref);
    await this.deps.store.deleteApp(app.id);
    await this.deps.notifier.changed();
  }

  /** Read, change, check the invariants, write: one transaction, then caches are told. */
  async #write(ref: AppRef, change: (app: ExternalClientApp) => ExternalClientApp, certificate: Certificate | null = null): Promise<ExternalClientApp> {
    const now = this.deps.clock.now();
    const { id, changed } = await this.deps.store.transaction(async (store) => {
      const app = await store.findApp(ref);
      if (!app) throw new AdminError('not_found', `no External Client App with ${describeRef(ref)}`);
      if (certificate && app.certificates.some((c) => c.fingerprintSha256 === certificate.fingerprintSha256)) {
        throw new AdminError('conflict', 'this certificate is already on the app', 'certificate');
      }
      if (certificate && app.certificates.length >= MAX_CERTIFICATES_PER_APP) {
        throw new AdminError('conflict', `the app already holds ${MAX_CERTIFICATES_PER_APP} certificates, the most it may: remove one it no longer uses first`, 'certificate');
      }
      const next = change(app);
      // A write that changes nothing is not made: restating the file at every start leaves
      // `updatedAt` alone and announces nothing.
      if (!certificate && isDeepStrictEqual(next, app)) return { id: app.id, changed: false };
      const certificates = certificate ? [...app.certificates, certificate] : app.certificates;
      // A flow's preconditions are checked when it is switched on (or its run-as user changes),
      // not on every write: an app whose certificate has expired, or whose run-as user was
      // deleted, since must still take an unrelated change, and a restart that restates the file
      // must not stop the server.
      if (!app.flows.jwtBearer) requireCertificateFor(next.flows, certificates, now);
      if ((next.flows.clientCredentials && !app.flows.clientCredentials) || next.clientCredentialsRunAs !== app.clientCredentialsRunAs) {
        await requireRunAsFor(store, next.flows, next.clientCredentialsRunAs);
      }
      if (certificate) await store.addCertificate(app.id, certificate);
      await store.updateApp({ ...next, updatedAt: now });
      return { id: app.id, changed: true };
    });
    if (changed) await this.deps.notifier.changed();
    return this.get({ id });
  }
}
