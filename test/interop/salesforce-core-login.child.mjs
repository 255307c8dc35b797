// Child process of salesforce-core.test.ts: a JWT login through @salesforce/core's AuthInfo,
// exactly as `sf org login jwt` does it, in a process of its own because the library keeps
// global state (its state aggregator, logger and lifecycle singletons, files under HOME).
//
// In: KEYGATE_URL, KEYGATE_CLIENT_ID, KEYGATE_USERNAME, KEYGATE_KEY_FILE (and the test's HOME
// and SF_* variables). Out: one JSON line on stdout, `{ ok: true, fields }` or `{ ok: false, message }`.
//
// Loopback guard: when a login fails, AuthInfo tries the other Salesforce login URLs
// (login.salesforce.com, test.salesforce.com). The guard refuses any request that would leave
// the loopback interface, without changing what the library sends to Keygate.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Transport = require('@jsforce/jsforce-node/lib/transport').default;
const httpRequest = Transport.prototype.httpRequest;
Transport.prototype.httpRequest = function guarded(req, options) {
  const { hostname } = new URL(req.url);
  if (hostname !== '127.0.0.1') return Promise.reject(new Error(`loopback guard: refused a request to ${hostname}`));
  return httpRequest.call(this, req, options);
};

const { AuthInfo } = require('@salesforce/core');
const env = process.env;

try {
  const authInfo = await AuthInfo.create({
    username: env.KEYGATE_USERNAME,
    oauth2Options: { clientId: env.KEYGATE_CLIENT_ID, privateKeyFile: env.KEYGATE_KEY_FILE, loginUrl: env.KEYGATE_URL },
  });
  await authInfo.save();
  const { accessToken, privateKey, ...fields } = authInfo.getFields(true);
  process.stdout.write(`${JSON.stringify({ ok: true, fields: { ...fields, hasAccessToken: typeof accessToken === 'string' && accessToken.length > 0 } })}\n`);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ ok: false, name: err?.name, message: String(err?.message ?? err) })}\n`);
}
// The library's logger and lifecycle keep handles open; the answer is written.
process.exit(0);
