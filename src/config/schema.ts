/**
 * The declarative configuration file (`keygate.yaml`): one schema holding every key, its
 * default and its meaning. The keys under `org`, `users` and `apps` are a public contract;
 * docs/configuration.md lists them and a test keeps the two in step.
 */
import { z } from 'zod';
import { MAX_CERTIFICATES_PER_APP } from '../domain/app.js';
import { isValidCidr } from '../platform/cidr.js';

const cidr = z.string().refine(isValidCidr, { message: 'must be a CIDR range such as 10.0.0.0/8' });
/**
 * Names end up in terminals, CSV and HTML reports and log lines; a control character (C0, DEL
 * or C1) there could forge a line or rewrite what a terminal shows, so none is allowed.
 */
const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255)
  .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters');
/** Most entries one list of names, scopes, audiences or ranges may hold. */
export const MAX_LIST_ENTRIES = 100;

/**
 * A list read as a set: bounded, and refusing an entry given twice (after trimming), which is
 * a slip in a file or a request, never an intent.
 */
function setOf<T extends z.ZodType<string>>(item: T, max = MAX_LIST_ENTRIES) {
  return z
    .array(item)
    .max(max, `must hold at most ${max} entries`)
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((value, index) => {
        if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [index], message: `${JSON.stringify(value)} is listed twice` });
        seen.add(value);
      });
    });
}

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/**
 * The org's base URL is its issuer (RFC 8414 §2: no query and no fragment) and the start of
 * every URL it publishes, so it carries no credentials either, and is written the way the URL
 * parser writes it: a `..` segment or an upper-case host would make the issuer compare unequal
 * to itself once a client has parsed it.
 */
const issuerUrl = httpUrl.superRefine((value, ctx) => {
  // zod runs this refinement even when the URL check above failed; that issue already names the problem.
  if (!URL.canParse(value)) return;
  const url = new URL(value);
  const normal = url.href.replace(/\/$/, '');
  const problem =
    url.username || url.password
      ? 'must not contain a user name or password'
      : /[?#]/.test(value)
        ? 'must not have a query or a fragment'
        : normal !== value.replace(/\/$/, '')
          ? `must be written in normal form: ${normal}`
          : null;
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Bounds of the org's time settings, in seconds; the console's form states the same ones. */
export const ORG_TIME_LIMITS = {
  clockSkewSeconds: { min: 0, max: 300 },
  maxAssertionLifetimeSeconds: { min: 30, max: 3600 },
  accessTokenLifetimeSeconds: { min: 60, max: 86_400 },
} as const;

const seconds = ({ min, max }: { min: number; max: number }) => z.int().min(min).max(max);

export const OrgSchema = z.strictObject({
  /** Display name of the org. */
  name: name.default('Keygate'),
  /** Issuer, `instance_url` and default accepted audience. */
  baseUrl: issuerUrl,
  /** Further accepted `aud` values, e.g. https://login.salesforce.com. */
  extraAudiences: setOf(httpUrl).default([]),
  /** Tolerance for clock differences when checking exp, nbf and iat (policy: 30 s). */
  clockSkewSeconds: seconds(ORG_TIME_LIMITS.clockSkewSeconds).default(30),
  /** Longest an assertion may live, measured from now (policy: 300 s). */
  maxAssertionLifetimeSeconds: seconds(ORG_TIME_LIMITS.maxAssertionLifetimeSeconds).default(300),
  /** Default access-token lifetime (an app's session timeout overrides it). */
  accessTokenLifetimeSeconds: seconds(ORG_TIME_LIMITS.accessTokenLifetimeSeconds).default(3600),
  /** Org-wide rule: machine-to-machine apps must use a certificate (high-security guidance). */
  requireAsymmetricM2M: z.boolean().default(false),
});

export const UserSchema = z.strictObject({
  username: name,
  email: z.email().optional(),
  profile: name.default('Standard User'),
  permissionSets: setOf(name).default([]),
  permissions: setOf(name).default([]),
  active: z.boolean().default(true),
  locked: z.boolean().default(false),
  /** The profile's login IP ranges; empty means unrestricted. */
  loginIpRanges: setOf(cidr).default([]),
  /** Apps this user approved; consulted only under the selfAuthorized policy. */
  approvedApps: setOf(name).default([]),
  /** Environment variable holding the password (legacy username-password flow and console sign-in). */
  passwordEnv: envName.optional(),
});

const CertificateRefSchema = z.union([
  z.strictObject({ file: z.string().min(1) }),
  z.strictObject({ pem: z.string().min(1) }),
]);

export const PoliciesSchema = z.strictObject({
  permittedUsers: z.enum(['adminApproved', 'selfAuthorized']).default('adminApproved'),
  profiles: setOf(name).default([]),
  permissionSets: setOf(name).default([]),
  ipRelaxation: z.enum(['enforce', 'relax']).default('enforce'),
  trustedIpRanges: setOf(cidr).default([]),
  /** Access-token lifetime for the app, in minutes. */
  sessionTimeoutMinutes: z.int().min(1).max(1440).optional(),
});

export const AppSchema = z.strictObject({
  name,
  /** Generated when absent. */
  consumerKey: z.string().regex(/^[A-Za-z0-9._~-]{3,128}$/, 'must be 3-128 URL-safe characters').optional(),
  contactEmail: z.email().optional(),
  scopes: setOf(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be an RFC 6749 scope token')).default(['api']),
  certificates: z.array(CertificateRefSchema).max(MAX_CERTIFICATES_PER_APP, `an app holds at most ${MAX_CERTIFICATES_PER_APP} certificates`).default([]),
  flows: z
    .strictObject({
      jwtBearer: z.boolean().default(false),
      clientCredentials: z.boolean().default(false),
      usernamePassword: z.boolean().default(false),
    })
    .prefault({}),
  clientCredentialsRunAs: name.optional(),
  /** Environment variable holding the consumer secret; stored only as a hash. */
  consumerSecretEnv: envName.optional(),
  requireJti: z.boolean().default(true),
  accessTokenFormat: z.enum(['jwt', 'opaque']).default('jwt'),
  assertionProfile: z.enum(['strict', 'salesforce-compat']).default('strict'),
  keyCustody: z.enum(['file', 'kms', 'hsm']).default('file'),
  policies: PoliciesSchema.prefault({}),
});

/** Protocol limits of the token endpoint (policies of docs/jwt-bearer.md). */
export const OAuthSchema = z.strictObject({
  /** Longest accepted assertion, in characters (policy: 8 KiB). */
  /** With the other parameters it must fit the HTTP layer's 64 KiB limit for OAuth bodies. */
  maxAssertionBytes: z.int().min(1024).max(49_152).default(8192),
  /** Longest accepted `jti` (policy: 256). */
  maxJtiLength: z.int().min(16).max(1024).default(256),
  /** Longest a private_key_jwt client assertion may live (policy: 60 s). */
  clientAssertionMaxLifetimeSeconds: z.int().min(10).max(600).default(60),
  /**
   * Refused requests (400 or 401) one client address may make at the token, introspection and
   * revocation endpoints and the console sign-in per window; then it gets 429 until the window
   * ends. 0 turns it off.
   */
  maxFailuresPerAddress: z.int().min(0).max(1_000_000).default(50),
  /** Length of the failure limit's fixed windows, in seconds. */
  failureWindowSeconds: z.int().min(1).max(3600).default(60),
});

export const StorageSchema = z.strictObject({
  /** `sqlite:` (default, in the data directory) or a postgres:// URL. */
  url: z
    .string()
    .regex(/^(sqlite:$|postgres(ql)?:\/\/)/, 'must be a postgres:// (or postgresql://) URL, or "sqlite:" for the data directory')
    .optional(),
  /** Login history older than this is deleted by the background maintenance pass. */
  loginHistoryRetentionDays: z.int().min(1).max(3650).default(90),
});

export const ConfigFileSchema = z.strictObject({
  org: OrgSchema,
  users: z.array(UserSchema).default([]),
  apps: z.array(AppSchema).default([]),
  oauth: OAuthSchema.prefault({}),
  storage: StorageSchema.optional(),
});

export type ConfigFile = z.infer<typeof ConfigFileSchema>;
export type OrgConfig = z.infer<typeof OrgSchema>;
export type UserConfig = z.infer<typeof UserSchema>;
export type AppConfig = z.infer<typeof AppSchema>;
