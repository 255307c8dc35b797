// The Salesforce metadata review at scale: writes 2,000 External Client Apps' source-format
// metadata (header, global OAuth settings, OAuth settings, OAuth policies, app policies: 10,000
// files, plus org settings, a profile and a decomposed permission set) to a temporary folder,
// then times the review in process: finding, reading, validating and parsing every file, mapping
// them into the snapshot and evaluating the catalogue. Goal: under 2 s. Rendering SARIF is timed
// on its own. Uses dist/ (`npm run build`).
//
//   node bench/salesforce-review-bench.mjs [--apps N]
// The lead's `npm run bench` calls benchSalesforceReview().
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';

/** Writes `apps` apps' metadata under a new temporary folder; returns the folder and the file count. */
export function writeSalesforceMetadata(apps) {
  const root = mkdtempSync(join(tmpdir(), 'keygate-sf-bench-'));
  const base = join(root, 'force-app/main/default');
  const folders = ['externalClientApps', 'extlClntAppGlobalOauthSets', 'extlClntAppOauthSettings', 'extlClntAppOauthPolicies', 'extlClntAppPolicies', 'settings', 'profiles', 'permissionsets/Integration_Admin'];
  for (const f of folders) mkdirSync(join(base, f), { recursive: true });
  let files = 0;
  const write = (path, text) => {
    writeFileSync(join(base, path), `<?xml version="1.0" encoding="UTF-8"?>\n${text}\n`);
    files++;
  };
  write('settings/ExternalClientApp.settings-meta.xml', `<ExternalClientAppSettings ${NS}>\n    <enableClientSecretInRestApiAccess>false</enableClientSecretInRestApiAccess>\n    <enableConsumerSecretApiAccess>false</enableConsumerSecretApiAccess>\n</ExternalClientAppSettings>`);
  write('settings/OauthOidc.settings-meta.xml', `<OauthOidcSettings ${NS}>\n    <blockOAuthUnPwFlow>true</blockOAuthUnPwFlow>\n    <isPkceRequired>false</isPkceRequired>\n</OauthOidcSettings>`);
  write('profiles/Admin.profile-meta.xml', `<Profile ${NS}>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ModifyAllData</name>\n    </userPermissions>\n</Profile>`);
  write('permissionsets/Integration_Admin/Integration_Admin.permissionset-meta.xml', `<PermissionSet ${NS}>\n    <label>Integration Admin</label>\n</PermissionSet>`);
  write('permissionsets/Integration_Admin/Integration_Admin.userPermission-meta.xml', `<PermissionSet>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ViewSetup</name>\n    </userPermissions>\n</PermissionSet>`);
  for (let i = 0; i < apps; i++) {
    const name = `Integration_${String(i).padStart(5, '0')}`;
    const cc = i % 3 === 0;
    write(`externalClientApps/${name}.eca-meta.xml`, `<ExternalClientApplication ${NS}>\n    <contactEmail>ops@example.com</contactEmail>\n    <distributionState>Local</distributionState>\n    <isProtected>false</isProtected>\n    <label>${name}</label>\n</ExternalClientApplication>`);
    write(
      `extlClntAppGlobalOauthSets/${name}_glbloauth.ecaGlblOauth-meta.xml`,
      `<ExtlClntAppGlobalOauthSettings ${NS}>\n    <callbackUrl>https://example.com/${i}</callbackUrl>\n    <consumerKey>3MVG9bench${i}</consumerKey>\n    <externalClientApplication>${name}</externalClientApplication>\n    <isClientCredentialsFlowEnabled>${cc}</isClientCredentialsFlowEnabled>\n    <isConsumerSecretOptional>false</isConsumerSecretOptional>\n    <isPkceRequired>${i % 2 === 0}</isPkceRequired>\n    <isRefreshTokenRotationEnabled>true</isRefreshTokenRotationEnabled>\n    <label>${name}_glbloauth</label>\n</ExtlClntAppGlobalOauthSettings>`,
    );
    write(`extlClntAppOauthSettings/${name}_oauth.ecaOauth-meta.xml`, `<ExtlClntAppOauthSettings ${NS}>\n    <commaSeparatedOauthScopes>Api, Web${i % 10 === 0 ? ', Full' : ''}</commaSeparatedOauthScopes>\n    <externalClientApplication>${name}</externalClientApplication>\n    <label>${name}_oauth</label>\n</ExtlClntAppOauthSettings>`);
    write(
      `extlClntAppOauthPolicies/${name}_oauthPlcy.ecaOauthPlcy-meta.xml`,
      `<ExtlClntAppOauthConfigurablePolicies ${NS}>\n${cc ? `    <clientCredentialsFlowUser>run.as${i}@example.com</clientCredentialsFlowUser>\n` : ''}    <${i % 5 === 0 ? 'commaSeparatedProfile>System Administrator</commaSeparatedProfile' : 'commaSeparatedPermissionSet>Integration_Admin</commaSeparatedPermissionSet'}>\n    <externalClientApplication>${name}</externalClientApplication>\n    <ipRelaxationPolicyType>${i % 4 === 0 ? 'Bypass' : 'Enforce'}</ipRelaxationPolicyType>\n    <isClientCredentialsFlowEnabled>${cc}</isClientCredentialsFlowEnabled>\n    <label>${name}_oauthPlcy</label>\n    <permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>\n    <refreshTokenPolicyType>SpecificLifetime</refreshTokenPolicyType>\n    <refreshTokenValidityPeriod>1</refreshTokenValidityPeriod>\n    <refreshTokenValidityUnit>Days</refreshTokenValidityUnit>\n    <sessionTimeoutInMinutes>${i % 7 === 0 ? 120 : 30}</sessionTimeoutInMinutes>\n</ExtlClntAppOauthConfigurablePolicies>`,
    );
    write(`extlClntAppPolicies/${name}_plcy.ecaPlcy-meta.xml`, `<ExtlClntAppConfigurablePolicies ${NS}>\n    <externalClientApplication>${name}</externalClientApplication>\n    <isEnabled>true</isEnabled>\n    <isOauthPluginEnabled>true</isOauthPluginEnabled>\n    <label>${name}_plcy</label>\n</ExtlClntAppConfigurablePolicies>`);
  }
  return { root, files };
}

/**
 * Times the review of `apps` apps (default 2,000): the best of `rounds` runs, each reading the
 * folder afresh. Returns the figures; nothing is printed.
 */
export async function benchSalesforceReview({ apps = 2000, rounds = 3 } = {}) {
  const dist = new URL('../dist/', import.meta.url);
  const { snapshotFromSalesforce } = await import(new URL('review/sources/salesforce/from-salesforce.js', dist).href);
  const { runReview, CONTROLS } = await import(new URL('review/index.js', dist).href);
  const { renderSarif } = await import(new URL('review/report/sarif.js', dist).href);
  const { root, files } = writeSalesforceMetadata(apps);
  try {
    const times = [];
    const sarif = [];
    let findings = 0;
    for (let r = 0; r < rounds; r++) {
      const start = process.hrtime.bigint();
      const snapshot = snapshotFromSalesforce(join(root, 'force-app'), { now: new Date() });
      const result = runReview(snapshot);
      const reviewed = process.hrtime.bigint();
      renderSarif(result, { controls: CONTROLS, toolVersion: 'bench' });
      times.push(Number(reviewed - start) / 1e6);
      sarif.push(Number(process.hrtime.bigint() - reviewed) / 1e6);
      findings = result.findings.length;
      if (snapshot.apps.length !== apps) throw new Error(`expected ${apps} apps, reviewed ${snapshot.apps.length}`);
    }
    const best = Math.min(...times);
    return { apps, files, findings, ms: Math.round(best), rounds: times.map(Math.round), sarifMs: Math.round(Math.min(...sarif)), goalMs: 2000, met: best < 2000 };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--apps');
  const apps = at > 0 ? Number(process.argv[at + 1]) : 2000;
  const r = await benchSalesforceReview({ apps });
  console.log(`Salesforce metadata review: ${r.apps} apps (${r.files} files, ${r.findings} findings) in ${r.ms} ms (rounds ${r.rounds.join(', ')} ms; goal < ${r.goalMs} ms: ${r.met}); SARIF rendering ${r.sarifMs} ms more`);
}
