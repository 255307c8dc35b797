/**
 * The Health Review over real Salesforce source-format metadata (test/fixtures/salesforce):
 * each test is named after the control and the case it checks.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReview, type Finding, type ReviewResult, type Snapshot } from '../../../src/review/index.js';
import { isUnknown } from '../../../src/review/engine/snapshot.js';
import { inspectCertificatePem } from '../../../src/platform/x509.js';
import { snapshotFromSalesforce } from '../../../src/review/sources/salesforce/from-salesforce.js';
import { readSalesforceMetadata } from '../../../src/review/sources/salesforce/read-metadata.js';
import { app, snapshot, user } from '../helpers.js';
import { filesUnder, lineOf, materializeFixture, REVIEWED_AT, type MaterializedFixture } from './fixtures.js';

let acme: MaterializedFixture;
let snap: Snapshot;
let result: ReviewResult;
let older: ReviewResult;
let olderRoot: string;

beforeAll(async () => {
  acme = await materializeFixture('acme');
  snap = snapshotFromSalesforce(join(acme.root, 'force-app'), { now: REVIEWED_AT });
  result = runReview(snap);
  olderRoot = (await materializeFixture('older-api')).root;
  older = runReview(snapshotFromSalesforce(olderRoot, { now: REVIEWED_AT }));
});

function finding(control: string, subject: string, from: ReviewResult = result): Finding {
  const found = from.findings.find((f) => f.control === control && f.subject === subject);
  if (!found) throw new Error(`no ${control} finding for ${subject}`);
  return found;
}

const file = (relative: string): string => join(acme.root, 'force-app/main/default', relative);

describe('reading a Salesforce DX project', () => {
  it('finds every app by suffix and joins ECA child files on <externalClientApplication>, not file names', () => {
    expect(snap.source).toBe('salesforce-metadata');
    expect(snap.org.name).toBe('acme');
    expect(snap.apps.map((a) => `${a.kind}:${a.name}`).sort()).toEqual([
      'connectedApp:Legacy_Reporting',
      'connectedApp:Legacy_Signed',
      'externalClientApp:Billing_Sync',
      'externalClientApp:Data_Loader_Admin',
      'externalClientApp:Erp_Sync',
      'externalClientApp:Ops_Automation',
      'externalClientApp:Portal_Login',
      'externalClientApp:Warehouse_Feed',
    ]);
    // Billing_Sync's children are BillingGlobal, BillingScopes and BillingPolicies.
    const billing = snap.apps.find((a) => a.name === 'Billing_Sync')!;
    expect(billing.scopes).toEqual(['api', 'web', 'full']);
    expect(billing.locations?.scopes?.file).toBe(file('extlClntAppOauthSettings/BillingScopes.ecaOauth-meta.xml'));
  });

  it('ignores files of other types (an Apex class and its non-XML source)', () => {
    const metadata = readSalesforceMetadata(join(acme.root, 'force-app'));
    const all = filesUnder(join(acme.root, 'force-app'));
    // Skipped: the Apex class and its source, and the decomposed permission set's objectSettings.
    expect(all.length - metadata.fileCount).toBe(3);
    expect(metadata.fileCount).toBe(31);
  });
});

describe('eca.oauth-flow.jwt-bearer-enabled', () => {
  it('passes for an ECA with a certificate and no secret-based flow, reading the certificate for its facts only', () => {
    const f = finding('eca.oauth-flow.jwt-bearer-enabled', 'Erp_Sync');
    expect(f.status).toBe('pass');
    const erp = snap.apps.find((a) => a.name === 'Erp_Sync')!;
    expect(erp.flows.jwtBearer).toBe(true);
    const certs = erp.certificates;
    expect(isUnknown(certs) ? certs.reason : certs.map((c) => c.fingerprintSha256)).toEqual([inspectCertificatePem(acme.certificatePem).fingerprintSha256]);
    expect(JSON.stringify(erp)).not.toContain('BEGIN CERTIFICATE');
    expect(f.location).toEqual({
      file: file('extlClntAppGlobalOauthSets/Erp_Sync_glbloauth.ecaGlblOauth-meta.xml'),
      line: lineOf(file('extlClntAppGlobalOauthSets/Erp_Sync_glbloauth.ecaGlblOauth-meta.xml'), '<certificate>'),
      element: '<certificate>',
    });
  });

  it('fails for an ECA with client credentials on and no certificate', () => {
    const f = finding('eca.oauth-flow.jwt-bearer-enabled', 'Billing_Sync');
    expect(f.status).toBe('fail');
    expect(f.evidence).toContain('client credentials');
    expect(f.cvss!.score).toBeGreaterThanOrEqual(7.0);
    expect(f.cvss!.score).toBeLessThan(8.0);
    expect(f.location?.file).toBe(file('extlClntAppGlobalOauthSets/BillingGlobal.ecaGlblOauth-meta.xml'));
  });

  it('fails for an ECA enabled for OAuth with neither a certificate nor client credentials', () => {
    const f = finding('eca.oauth-flow.jwt-bearer-enabled', 'Warehouse_Feed');
    expect(f.status).toBe('fail');
    expect(f.evidence).toBe('The app is enabled for OAuth but holds no certificate, so no integration can use the JWT Bearer flow.');
    expect(f.cvss!.score).toBeGreaterThanOrEqual(7.0);
    expect(f.location?.file).toBe(file('extlClntAppGlobalOauthSets/Warehouse_Feed_glbloauth.ecaGlblOauth-meta.xml'));
  });

  it('fails for a Connected App with neither a certificate nor client credentials, in an org that allows the username-password flow', () => {
    const f = finding('eca.oauth-flow.jwt-bearer-enabled', 'Legacy_Reporting');
    expect(f.status).toBe('fail');
    expect(f.evidence).toContain('username-password');
  });

  it('scores 8.0 or more when a profile with ModifyAllData is pre-authorized, exactly as Keygate\'s own review scores it', () => {
    const f = finding('eca.oauth-flow.jwt-bearer-enabled', 'Data_Loader_Admin');
    expect(f.status).toBe('fail');
    expect(f.conditions.map((c) => c.id)).toEqual(['elevated-integration-user']);
    expect(f.cvss!.score).toBeGreaterThanOrEqual(8.0);
    expect(f.cvss!.score).toBeLessThanOrEqual(8.9);
    // The same situation as a Keygate app: client credentials with a secret, an admin-grade user, IP enforced.
    const keygate = runReview(
      snapshot([
        app({
          flows: { jwtBearer: false, clientCredentials: true, usernamePassword: false },
          hasConsumerSecret: true,
          certificates: [],
          principals: [user('admin@acme.example', { elevatedPermissions: ['ModifyAllData'] })],
        }),
      ]),
    ).findings.find((k) => k.control === 'eca.oauth-flow.jwt-bearer-enabled')!;
    expect(keygate.cvss).toEqual(f.cvss);
  });

  it('scores 8.0 or more when IP restrictions are bypassed (AllSelfAuthorized with Bypass)', () => {
    const f = finding('eca.oauth-flow.jwt-bearer-enabled', 'Portal_Login');
    expect(f.status).toBe('fail');
    expect(f.conditions.map((c) => c.id)).toEqual(['ip-not-enforced']);
    expect(f.cvss!.score).toBeGreaterThanOrEqual(8.0);
  });

  it('is unknown, naming the file and element, for an app whose files lack newer elements', () => {
    const f = finding('eca.oauth-flow.jwt-bearer-enabled', 'Old_Sync', older);
    expect(f.status).toBe('unknown');
    expect(f.cvss).toBeNull();
    expect(f.evidence).toContain('Old_Sync_glbloauth.ecaGlblOauth-meta.xml has no <certificate> element');
  });

  it('is unknown when a Connected App certificate is present but cannot be parsed, without echoing it', () => {
    const f = finding('eca.oauth-flow.jwt-bearer-enabled', 'Legacy_Signed');
    expect(f.status).toBe('unknown');
    expect(f.evidence).toContain('is present but is not a PEM X.509 certificate');
    expect(f.evidence).not.toContain('CANARY');
  });
});

describe('eca.oauth-scope.least-privilege', () => {
  it('fails for an ECA with client credentials and `Api, Web, Full`, pointing at commaSeparatedOauthScopes', () => {
    const f = finding('eca.oauth-scope.least-privilege', 'Billing_Sync');
    expect(f.status).toBe('fail');
    expect(f.severity).toBe('critical');
    expect(f.location?.line).toBe(lineOf(file('extlClntAppOauthSettings/BillingScopes.ecaOauth-meta.xml'), '<commaSeparatedOauthScopes>'));
  });
});

describe('eca.policy.permitted-users-admin-approved and eca.policy.ip-relaxation-enforced', () => {
  it('AllSelfAuthorized fails permitted users', () => {
    const f = finding('eca.policy.permitted-users-admin-approved', 'Portal_Login');
    expect(f.status).toBe('fail');
    expect(f.location?.element).toBe('<permittedUsersPolicyType>AllSelfAuthorized</permittedUsersPolicyType>');
  });

  it('Bypass fails IP relaxation and keeps the raw value in the evidence location', () => {
    const f = finding('eca.policy.ip-relaxation-enforced', 'Portal_Login');
    expect(f.status).toBe('fail');
    expect(f.location).toEqual({
      file: file('extlClntAppOauthPolicies/Portal_Login_oauthPlcy.ecaOauthPlcy-meta.xml'),
      line: lineOf(file('extlClntAppOauthPolicies/Portal_Login_oauthPlcy.ecaOauthPlcy-meta.xml'), '<ipRelaxationPolicyType>'),
      element: '<ipRelaxationPolicyType>Bypass</ipRelaxationPolicyType>',
    });
  });
});

describe('eca.oauth-flow.client-credentials-constrained', () => {
  it('fails for client credentials with no run-as user in a file that states the flow', () => {
    expect(finding('eca.oauth-flow.client-credentials-constrained', 'Ops_Automation').status).toBe('fail');
  });

  it('is unknown when a run-as user is named, because users are not metadata', () => {
    const f = finding('eca.oauth-flow.client-credentials-constrained', 'Billing_Sync');
    expect(f.status).toBe('unknown');
    expect(f.evidence).toContain('billing.integration@acme.example');
  });
});

describe('eca.policy.session-timeout', () => {
  it('reads sessionTimeoutInMinutes (ECA) and sessionPolicy/sessionTimeout (Connected App)', () => {
    expect(finding('eca.policy.session-timeout', 'Erp_Sync').status).toBe('pass');
    expect(finding('eca.policy.session-timeout', 'Billing_Sync').status).toBe('warn');
    expect(finding('eca.policy.session-timeout', 'Legacy_Reporting').evidence).toContain('120 minutes');
  });
});

describe('eca.security.pkce-required', () => {
  it('passes when the app requires PKCE and fails when neither the app nor the org does', () => {
    expect(finding('eca.security.pkce-required', 'Erp_Sync').status).toBe('pass');
    const f = finding('eca.security.pkce-required', 'Billing_Sync');
    expect(f.status).toBe('fail');
    expect(f.location?.element).toBe('<isPkceRequired>false</isPkceRequired>');
  });

  it('is unknown for an app whose files predate isPkceRequired', () => {
    const f = finding('eca.security.pkce-required', 'Old_Sync', older);
    expect(f.status).toBe('unknown');
    expect(f.evidence).toContain('has no <isPkceRequired> element');
  });

  it('is not applicable to a Keygate source, which has no such setting', () => {
    const f = runReview(snapshot([app()])).findings.find((k) => k.control === 'eca.security.pkce-required')!;
    expect(f.status).toBe('not_applicable');
  });
});

describe('eca.policy.refresh-token-lifetime and eca.security.refresh-token-rotation', () => {
  it('a Connected App with `infinite` refresh tokens fails the lifetime control', () => {
    const f = finding('eca.policy.refresh-token-lifetime', 'Legacy_Reporting');
    expect(f.status).toBe('fail');
    expect(f.evidence).toContain('infinite');
    expect(f.conditions.map((c) => c.id)).toEqual(['refresh-tokens-not-rotated']);
    expect(f.location?.element).toBe('<oauthPolicy/refreshTokenPolicy>infinite</refreshTokenPolicy>');
  });

  it('a Connected App with `infinite` refresh tokens and no rotation fails rotation, raised by the infinite lifetime', () => {
    const f = finding('eca.security.refresh-token-rotation', 'Legacy_Reporting');
    expect(f.status).toBe('fail');
    expect(f.conditions.map((c) => c.id)).toContain('refresh-tokens-never-expire');
  });

  it('an ECA without a refresh scope is not applicable', () => {
    expect(finding('eca.policy.refresh-token-lifetime', 'Erp_Sync').status).toBe('not_applicable');
  });
});

describe('org settings exposing consumer secrets', () => {
  it('eca.settings.metadata-secrets-protection fails, with the retrieved consumerSecret as proof (never its value)', () => {
    const f = finding('eca.settings.metadata-secrets-protection', 'acme');
    expect(f.status).toBe('fail');
    expect(f.evidence).toContain('BillingGlobal.ecaGlblOauth-meta.xml');
    expect(f.evidence).not.toContain('CANARY');
    expect(f.location?.line).toBe(lineOf(file('extlClntAppGlobalOauthSets/BillingGlobal.ecaGlblOauth-meta.xml'), '<consumerSecret>'));
  });

  it('eca.settings.rest-api-secret-masking fails when enableClientSecretInRestApiAccess is on', () => {
    const f = finding('eca.settings.rest-api-secret-masking', 'acme');
    expect(f.status).toBe('fail');
    expect(f.location?.element).toBe('<enableClientSecretInRestApiAccess>true</enableClientSecretInRestApiAccess>');
  });
});

describe('eca.oauth-flow.username-password-disabled', () => {
  it('fails for a Connected App whose only pre-authorized permission set grants ApiOnlyUser: API Only users are kept out of the UI, not from password authentication through the API', () => {
    // Legacy_Signed pre-authorizes Erp_Integration (ApiOnlyUser) and the org allows the flow.
    // This was once a warning ("no permitted user has a password yet"), a guess the metadata cannot support.
    const f = finding('eca.oauth-flow.username-password-disabled', 'Legacy_Signed');
    expect([f.status, f.evidence]).toEqual(['fail', 'The username-password flow is on.']);
    const signed = snap.apps.find((a) => a.name === 'Legacy_Signed')!;
    const [principal] = isUnknown(signed.principals) ? [] : signed.principals;
    // The user interface is closed to them, so they still count as integration identities.
    expect(principal!.interactiveSignIn).toBe(false);
    expect(isUnknown(principal!.hasPassword) && principal!.hasPassword.reason).toBe(
      'users are not part of the metadata, so whether the users of permission set Erp_Integration have passwords is unknown (ApiOnlyUser blocks the user interface, not password authentication through the API)',
    );
  });
});

describe('a decomposed permission set', () => {
  it('merges its entry files, so its admin-grade permission reaches the integration-user control', () => {
    const ops = snap.apps.find((a) => a.name === 'Ops_Automation')!;
    expect(isUnknown(ops.principals) ? [] : ops.principals.map((p) => [p.kind, p.name, p.elevatedPermissions])).toEqual([['permissionSet', 'Ops_Admin', ['ViewSetup']]]);
    const f = finding('eca.integration-user.least-privilege', 'Ops_Automation');
    expect(f.status).toBe('fail');
    expect(f.location?.line).toBe(lineOf(file('extlClntAppOauthPolicies/Ops_Automation_oauthPlcy.ecaOauthPlcy-meta.xml'), '<commaSeparatedPermissionSet>'));
    expect(ops.principals).toEqual([expect.objectContaining({ location: expect.objectContaining({ file: file('permissionsets/Ops_Admin/Ops_Admin.userPermission-meta.xml') }) })]);
  });

  it('org.permissions.use-any-api-client warns when only a permission set grants UseAnyApiClient (a disabled profile entry does not count)', () => {
    const f = finding('org.permissions.use-any-api-client', 'acme');
    expect(f.status).toBe('warn');
    expect(f.evidence).toContain('permission set Ops_Admin');
    expect(f.location?.line).toBe(lineOf(file('permissionsets/Ops_Admin/Ops_Admin.userPermission-meta.xml'), '<name>UseAnyApiClient</name>') - 2);
  });
});

describe('unknown semantics', () => {
  it('an app whose files lack newer elements gives unknown with a reason, never a pass or a fail, for those facts', () => {
    for (const control of ['eca.oauth-flow.jwt-bearer-enabled', 'eca.oauth-flow.client-credentials-constrained', 'eca.security.pkce-required']) {
      const f = finding(control, 'Old_Sync', older);
      expect(f.status, control).toBe('unknown');
      expect(f.evidence, control).toMatch(/Old_Sync_(glbloauth|oauthPlcy)\.eca\w+-meta\.xml has no <\w+> element/);
    }
  });
});
