/**
 * The OpenAPI 3.1 description of the admin API, served at `/admin/api/v1/openapi.json`. Written
 * by hand beside the routes; a test fails when a registered route is missing here or a path
 * here has no route.
 *
 * @see https://spec.openapis.org/oas/v3.1.0
 */
import { MAX_LIST_ENTRIES } from '../../config/schema.js';
import { MAX_CERTIFICATES_PER_APP } from '../../domain/app.js';
import { ADMIN_API_PROBLEM_CODES } from './admin-api-problems.js';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
/** Lists of names, scopes, audiences and ranges are sets (docs/configuration.md). */
const strings: Schema = { type: 'array', items: { type: 'string' }, uniqueItems: true, maxItems: MAX_LIST_ENTRIES };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });

const problemResponse = (description: string): Schema => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

/** Responses every secured operation can give; added to each one below by `withSecuredErrors`. */
const securedErrors: Schema = {
  '401': problemResponse('No access token, or an invalid, expired or revoked one (code `unauthorized`, with `WWW-Authenticate: Bearer`).'),
  '403': problemResponse('The token lacks the `admin` scope, or its user lacks `ManageUsers` (code `forbidden`).'),
};
const bodyErrors: Schema = {
  '400': problemResponse('The body is not valid JSON, is missing, or gives one key twice in an object (code `bad_request`; `field` names the repeated key).'),
  '415': problemResponse('The body is not `application/json` (code `unsupported_media_type`), or its `charset` is not `utf-8` (code `unsupported_charset`).'),
  '422': problemResponse('A field is invalid (code `validation_failed`; `field` names it).'),
};
const notFound = { '404': problemResponse('No such app, user, certificate or flow (code `not_found`).') };
const conflict = (why: string) => ({ '409': problemResponse(why) });
/** The no-self-lockout rule (docs/admin-api.md, Conventions), as the end of a 409 description. */
const LOCKOUT = 'or the change would leave the app your token comes from unable to let you in (code `conflict`)';

type Operation = { security?: unknown[]; responses: Schema };
type PathItem = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** Adds the 401 and 403 answers to every operation that requires a token (all but `security: []`). */
function withSecuredErrors(paths: Record<string, PathItem>): Record<string, PathItem> {
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => {
      const withErrors: PathItem = { ...item };
      for (const method of METHODS) {
        const op = item[method] as Operation | undefined;
        if (op && op.security?.length !== 0) withErrors[method] = { ...op, responses: { ...op.responses, ...securedErrors } };
      }
      return [path, withErrors];
    }),
  );
}

const json = (schema: Schema, description = 'OK'): Schema => ({ description, content: { 'application/json': { schema } } });
const jsonBody = (schema: Schema): Schema => ({ required: true, content: { 'application/json': { schema } } });
const noContent = { '204': { description: 'Done; no body.' } };
const list = (item: string): Schema => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref(item) } } });

const appParam = {
  name: 'app',
  in: 'path',
  required: true,
  description: 'The app\'s id (`0xI…`) or its name (URL-encoded). An id is tried first.',
  schema: { type: 'string' },
};
const userParam = {
  name: 'user',
  in: 'path',
  required: true,
  description: 'The user\'s id (`005…`) or username. An id is tried first.',
  schema: { type: 'string' },
};
const query = (name: string, description: string, schema: Schema = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });

const policies: Schema = {
  type: 'object',
  properties: {
    permittedUsers: { enum: ['adminApproved', 'selfAuthorized'] },
    profiles: strings,
    permissionSets: strings,
    ipRelaxation: { enum: ['enforce', 'relax'] },
    trustedIpRanges: { ...strings, description: 'CIDR ranges' },
    sessionTimeoutMinutes: { type: 'integer', minimum: 1, maximum: 1440 },
  },
  additionalProperties: false,
};
const flows: Schema = {
  type: 'object',
  properties: { jwtBearer: { type: 'boolean' }, clientCredentials: { type: 'boolean' }, usernamePassword: { type: 'boolean' } },
  additionalProperties: false,
};

const schemas: Record<string, Schema> = {
  Problem: {
    type: 'object',
    description: 'RFC 9457 Problem Details with a stable `code`.',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: { type: 'string', format: 'uri' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string', description: 'What is wrong, safe to show; never a secret.' },
      code: { enum: [...ADMIN_API_PROBLEM_CODES] },
      field: { type: 'string', description: 'Dotted path of the offending field, for validation errors.' },
    },
  },
  Org: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      baseUrl: { type: 'string', format: 'uri' },
      extraAudiences: strings,
      clockSkewSeconds: { type: 'integer' },
      maxAssertionLifetimeSeconds: { type: 'integer' },
      accessTokenLifetimeSeconds: { type: 'integer' },
      requireAsymmetricM2M: { type: 'boolean' },
    },
  },
  OrgUpdate: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: 'string' },
      baseUrl: { type: 'string', format: 'uri' },
      extraAudiences: strings,
      clockSkewSeconds: { type: 'integer', minimum: 0, maximum: 300 },
      maxAssertionLifetimeSeconds: { type: 'integer', minimum: 30, maximum: 3600 },
      accessTokenLifetimeSeconds: { type: 'integer', minimum: 60, maximum: 86400 },
      requireAsymmetricM2M: { type: 'boolean' },
    },
  },
  User: {
    type: 'object',
    description: 'Never carries the password hash or TOTP secret; only whether they exist.',
    properties: {
      id: { type: 'string' },
      username: { type: 'string' },
      email: { type: 'string' },
      profile: { type: 'string' },
      permissionSets: strings,
      permissions: strings,
      active: { type: 'boolean' },
      locked: { type: 'boolean' },
      loginIpRanges: strings,
      approvedApps: strings,
      hasPassword: { type: 'boolean' },
      totpEnabled: { type: 'boolean' },
    },
  },
  UserCreate: {
    type: 'object',
    required: ['username'],
    additionalProperties: false,
    properties: {
      username: { type: 'string' },
      email: { type: 'string', format: 'email' },
      profile: { type: 'string', default: 'Standard User' },
      permissionSets: strings,
      permissions: strings,
      active: { type: 'boolean', default: true },
      locked: { type: 'boolean', default: false },
      loginIpRanges: strings,
      approvedApps: strings,
      password: { type: 'string', minLength: 12, writeOnly: true },
    },
  },
  UserUpdate: {
    type: 'object',
    additionalProperties: false,
    properties: {
      email: { type: 'string', format: 'email' },
      profile: { type: 'string' },
      permissionSets: strings,
      permissions: strings,
      active: { type: 'boolean' },
      locked: { type: 'boolean' },
      loginIpRanges: strings,
      approvedApps: strings,
      password: { type: 'string', minLength: 12, writeOnly: true },
    },
  },
  Certificate: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      subject: { type: 'string' },
      issuer: { type: 'string' },
      serialNumber: { type: 'string' },
      notBefore: dateTime,
      notAfter: dateTime,
      fingerprintSha256: { type: 'string', description: 'Lower-case hex, no colons.' },
      keyType: { enum: ['RSA', 'EC', 'Ed25519'] },
      keySize: { type: 'integer' },
      curve: nullable({ type: 'string' }),
      addedAt: dateTime,
    },
  },
  CertificateUpload: {
    type: 'object',
    required: ['pem'],
    additionalProperties: false,
    properties: { pem: { type: 'string', description: 'One PEM X.509 certificate (never a private key).' } },
  },
  Policies: policies,
  Flows: flows,
  App: {
    type: 'object',
    description: 'Never carries the consumer secret or its hash; `hasConsumerSecret` says whether one is set.',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      consumerKey: { type: 'string' },
      hasConsumerSecret: { type: 'boolean' },
      consumerSecretCreatedAt: nullable(dateTime),
      contactEmail: { type: 'string' },
      scopes: strings,
      flows: ref('Flows'),
      clientCredentialsRunAs: nullable({ type: 'string' }),
      requireJti: { type: 'boolean' },
      accessTokenFormat: { enum: ['jwt', 'opaque'] },
      assertionProfile: { enum: ['strict', 'salesforce-compat'] },
      keyCustody: { enum: ['file', 'kms', 'hsm'] },
      policies: ref('Policies'),
      certificates: { type: 'array', items: ref('Certificate') },
      createdAt: dateTime,
      updatedAt: dateTime,
    },
  },
  AppWithSecret: {
    allOf: [
      ref('App'),
      {
        type: 'object',
        required: ['consumerSecret'],
        properties: { consumerSecret: { type: 'string', description: 'Shown once, in this response only; store it now.' } },
      },
    ],
  },
  AppCreate: {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: {
      name: { type: 'string' },
      consumerKey: { type: 'string', description: 'Generated when absent.' },
      contactEmail: { type: 'string', format: 'email' },
      scopes: strings,
      flows: ref('Flows'),
      clientCredentialsRunAs: { type: 'string' },
      requireJti: { type: 'boolean', default: true },
      accessTokenFormat: { enum: ['jwt', 'opaque'] },
      assertionProfile: { enum: ['strict', 'salesforce-compat'] },
      keyCustody: { enum: ['file', 'kms', 'hsm'] },
      policies: ref('Policies'),
      generateSecret: { type: 'boolean', default: false, description: 'Generate a consumer secret, returned once.' },
      certificates: { ...strings, maxItems: MAX_CERTIFICATES_PER_APP, description: 'PEM certificates, added before the flows are switched on.' },
    },
  },
  AppUpdate: {
    type: 'object',
    additionalProperties: false,
    properties: {
      contactEmail: { type: 'string', format: 'email' },
      scopes: strings,
      flows: ref('Flows'),
      clientCredentialsRunAs: nullable({ type: 'string' }),
      requireJti: { type: 'boolean' },
      accessTokenFormat: { enum: ['jwt', 'opaque'] },
      assertionProfile: { enum: ['strict', 'salesforce-compat'] },
      keyCustody: { enum: ['file', 'kms', 'hsm'] },
      policies: ref('Policies'),
    },
  },
  FlowSwitch: { type: 'object', required: ['enabled'], additionalProperties: false, properties: { enabled: { type: 'boolean' } } },
  LoginEvent: {
    type: 'object',
    description: 'One token request. Never the assertion, a secret or a token: the jti only as a SHA-256.',
    properties: {
      id: { type: 'string' },
      at: dateTime,
      appId: nullable({ type: 'string' }),
      appName: nullable({ type: 'string' }),
      userId: nullable({ type: 'string' }),
      username: nullable({ type: 'string' }),
      grant: { enum: ['jwt-bearer', 'client-credentials', 'password', 'console', 'unknown'] },
      credential: { enum: ['assertion', 'client-assertion', 'client-secret', 'password', 'none'] },
      clientAddress: { type: 'string' },
      outcome: { enum: ['success', 'failure'] },
      errorCode: nullable({ type: 'string' }),
      reason: { type: 'string' },
      certificateFingerprint: nullable({ type: 'string' }),
      jtiHash: nullable({ type: 'string' }),
      scope: nullable({ type: 'string', description: 'Scope of the token issued, space-separated; null for a failure or a console sign-in.' }),
    },
  },
  LoginHistoryPage: {
    type: 'object',
    required: ['items', 'total', 'limit', 'offset'],
    properties: {
      items: { type: 'array', items: ref('LoginEvent') },
      total: { type: 'integer', description: 'Rows matching the filters, ignoring limit and offset.' },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
    },
  },
};

// Health Review (review-routes.ts).
const findingStatus = { enum: ['pass', 'warn', 'fail', 'not_applicable', 'unknown', 'accepted'] };
const severityBand = { enum: ['critical', 'high', 'medium', 'low', 'informational'] };
const reviewSchemas: Record<string, Schema> = {
  ReviewRun: {
    type: 'object',
    additionalProperties: false,
    properties: { baseline: { enum: ['standard', 'high-security'], default: 'standard' } },
  },
  ReviewSummary: {
    type: 'object',
    required: ['id', 'generatedAt', 'score', 'grade', 'baseline', 'appCount'],
    properties: {
      id: { type: 'string' },
      generatedAt: dateTime,
      score: { type: 'integer', minimum: 0, maximum: 100 },
      grade: { enum: ['Excellent', 'Very Good', 'Good', 'Poor', 'Very Poor'] },
      baseline: { type: 'string' },
      appCount: { type: 'integer' },
    },
  },
  Finding: {
    type: 'object',
    description: 'One control\'s verdict on the org or one app (docs/controls/ describes each control).',
    properties: {
      control: { type: 'string' },
      title: { type: 'string' },
      subject: { type: 'string', description: 'The org\'s or the app\'s name.' },
      subjectKind: { enum: ['org', 'app'] },
      status: findingStatus,
      evaluatedStatus: { ...findingStatus, description: 'What the control concluded, before any acceptance.' },
      severity: severityBand,
      category: { type: 'string' },
      cvss: nullable({ type: 'object', properties: { score: { type: 'number' }, vector: { type: 'string' }, vectorScore: { type: 'number' } } }),
      conditions: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, kind: { enum: ['higher', 'lower'] }, description: { type: 'string' } } } },
      evidence: { type: 'string' },
      remediation: { type: 'string' },
      state: { type: 'string' },
      acceptance: {
        type: 'object',
        properties: {
          owner: { type: 'string' },
          reason: { type: 'string' },
          expires: { type: 'string', format: 'date' },
          outcome: { enum: ['accepted', 'expired', 'condition_changed'] },
          note: { type: 'string' },
        },
      },
    },
  },
  ReviewReport: {
    type: 'object',
    description: 'The JSON report, as `keygate review --format json` prints it.',
    properties: {
      score: { type: 'integer' },
      grade: { type: 'string' },
      baseline: { type: 'string' },
      generatedAt: dateTime,
      source: { type: 'string' },
      appCount: { type: 'integer' },
      trafficWindow: nullable({ type: 'object', properties: { since: dateTime, until: dateTime } }),
      summary: { type: 'object', additionalProperties: { type: 'integer' } },
      findings: { type: 'array', items: ref('Finding') },
    },
  },
  Review: {
    allOf: [
      ref('ReviewSummary'),
      {
        type: 'object',
        required: ['summary', 'report'],
        properties: {
          summary: { type: 'object', description: 'Findings counted by status.', additionalProperties: { type: 'integer' } },
          report: ref('ReviewReport'),
        },
      },
    ],
  },
  ReviewComparison: {
    type: 'object',
    properties: {
      before: { type: 'string' },
      after: { type: 'string' },
      scoreBefore: { type: 'integer' },
      scoreAfter: { type: 'integer' },
      scoreDelta: { type: 'integer' },
      gradeBefore: { type: 'string' },
      gradeAfter: { type: 'string' },
      sameBaseline: { type: 'boolean' },
      changes: {
        type: 'array',
        description: 'Findings that changed status or severity, largest effect on the score first.',
        items: {
          type: 'object',
          properties: {
            control: { type: 'string' },
            subject: { type: 'string' },
            before: nullable({ type: 'object', properties: { status: findingStatus, severity: severityBand } }),
            after: nullable({ type: 'object', properties: { status: findingStatus, severity: severityBand, evidence: { type: 'string' } } }),
            weightDelta: { type: 'number', description: 'Weighted credit after minus before; positive raised the score.' },
            scoreEffect: {
              type: 'number',
              description: 'After score minus the score had this finding alone stayed as it was (unrounded, two decimals); negative lowered it.',
            },
          },
        },
      },
    },
  },
  AcceptedRisk: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      control: { type: 'string' },
      subject: { type: 'string' },
      reason: { type: 'string' },
      owner: { type: 'string' },
      expires: dateTime,
      acceptedAt: nullable(dateTime),
      state: nullable({ type: 'string', description: 'The finding\'s condition when accepted; another condition reopens it.' }),
    },
  },
  AcceptedRiskCreate: {
    type: 'object',
    required: ['control', 'subject', 'reason', 'owner', 'expires'],
    additionalProperties: false,
    properties: {
      control: { type: 'string' },
      subject: { type: 'string' },
      reason: { type: 'string' },
      owner: { type: 'string' },
      expires: { type: 'string', description: 'RFC 3339 date (lasts to the end of that UTC day) or date-time; must be in the future.' },
    },
  },
  FixPlan: {
    type: 'object',
    properties: {
      control: { type: 'string' },
      app: { type: 'string' },
      changes: {
        type: 'array',
        items: { type: 'object', properties: { change: { type: 'object' }, setting: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } },
      },
      breaks: nullable({
        type: 'array',
        description: 'Integrations the change would stop, from the login history; null when there is none.',
        items: {
          type: 'object',
          properties: {
            username: nullable({ type: 'string' }),
            address: nullable({ type: 'string' }),
            requests: { type: 'integer' },
            lastSeen: dateTime,
            reason: { type: 'string' },
          },
        },
      }),
      blocked: nullable({ type: 'string' }),
      summary: { type: 'string' },
    },
  },
  FixApply: {
    type: 'object',
    required: ['control', 'app', 'confirm'],
    additionalProperties: false,
    properties: { control: { type: 'string' }, app: { type: 'string', description: 'App id or name.' }, confirm: { const: true } },
  },
  FixApplied: {
    allOf: [ref('FixPlan'), { type: 'object', required: ['applied'], properties: { applied: { type: 'boolean', description: 'False when the app already complied.' } } }],
  },
};

export const ADMIN_API_OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Keygate admin API',
    version: '1',
    description:
      'Administers a Keygate org: users, External Client Apps, certificates, flows, policies, the login history and the Health Review (reviews, accepted risks, fixes). ' +
      'Authenticate with a Keygate access token carrying the `admin` scope, for a user holding `ManageUsers`. ' +
      'JSON is camelCase; errors are RFC 9457 problem+json with a stable `code`.',
  },
  servers: [{ url: '/admin/api/v1' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A Keygate access token with the `admin` scope.' } },
    schemas: { ...schemas, ...reviewSchemas },
  },
  paths: withSecuredErrors({
    '/openapi.json': {
      get: { summary: 'This document', security: [], responses: { '200': json({ type: 'object' }) } },
    },
    '/org': {
      get: { summary: 'The org\'s settings', responses: { '200': json(ref('Org')), ...notFound } },
      patch: { summary: 'Change the org\'s settings', requestBody: jsonBody(ref('OrgUpdate')), responses: { '200': json(ref('Org')), ...bodyErrors } },
    },
    '/users': {
      get: { summary: 'List users', responses: { '200': json(list('User')) } },
      post: {
        summary: 'Create a user',
        requestBody: jsonBody(ref('UserCreate')),
        responses: { '201': json(ref('User'), 'Created; `Location` names the user.'), ...bodyErrors, ...conflict('The username is taken, in any letter case (code `conflict`).') },
      },
    },
    '/users/{user}': {
      parameters: [userParam],
      get: { summary: 'Show a user', responses: { '200': json(ref('User')), ...notFound } },
      patch: {
        summary: 'Change a user (deactivate, lock, unlock, permissions, …)',
        requestBody: jsonBody(ref('UserUpdate')),
        responses: { '200': json(ref('User')), ...bodyErrors, ...notFound, ...conflict('You cannot remove your own administrator access, nor change your user so that the app your token comes from no longer lets you in (code `conflict`).') },
      },
      delete: { summary: 'Delete a user', responses: { ...noContent, ...notFound, ...conflict('You cannot delete yourself (code `conflict`).') } },
    },
    '/apps': {
      get: { summary: 'List External Client Apps', responses: { '200': json(list('App')) } },
      post: {
        summary: 'Create an app',
        description: 'With `generateSecret: true` the response is an AppWithSecret: the consumer secret appears there once and never again.',
        requestBody: jsonBody(ref('AppCreate')),
        responses: {
          '201': json({ oneOf: [ref('App'), ref('AppWithSecret')] }, 'Created; `Location` names the app.'),
          ...bodyErrors,
          ...conflict('The name or consumer key is taken, or a flow needs what is missing (codes `conflict`, `certificate_required`).'),
        },
      },
    },
    '/apps/{app}': {
      parameters: [appParam],
      get: { summary: 'Show an app', responses: { '200': json(ref('App')), ...notFound } },
      patch: {
        summary: 'Change an app\'s settings',
        requestBody: jsonBody(ref('AppUpdate')),
        responses: { '200': json(ref('App')), ...bodyErrors, ...notFound, ...conflict(`Enabling JWT Bearer without a valid certificate (code \`certificate_required\`), ${LOCKOUT}.`) },
      },
      delete: { summary: 'Delete an app', responses: { ...noContent, ...notFound, ...conflict('The app your token comes from (code `conflict`).') } },
    },
    '/apps/{app}/secret': {
      parameters: [appParam],
      post: { summary: 'Issue a new consumer secret (the old one stops working); shown once', responses: { '200': json(ref('AppWithSecret')), ...notFound } },
      delete: { summary: 'Remove the consumer secret', responses: { ...noContent, ...notFound } },
    },
    '/apps/{app}/certificates': {
      parameters: [appParam],
      get: { summary: 'List the app\'s certificates', responses: { '200': json(list('Certificate')), ...notFound } },
      post: {
        summary: 'Add a certificate',
        description: 'Refused with `certificate_rejected` (422) when the PEM is not exactly one X.509 certificate, is expired or not yet valid, or has a weak or unsupported key.',
        requestBody: jsonBody(ref('CertificateUpload')),
        responses: { '201': json(ref('Certificate')), ...bodyErrors, ...notFound, ...conflict(`The certificate is already on the app, or the app already holds ${MAX_CERTIFICATES_PER_APP} certificates (code \`conflict\`).`) },
      },
    },
    '/apps/{app}/certificates/{certificate}': {
      parameters: [appParam, { name: 'certificate', in: 'path', required: true, description: 'Certificate id or SHA-256 fingerprint (hex, colons optional).', schema: { type: 'string' } }],
      delete: {
        summary: 'Remove a certificate',
        responses: { ...noContent, ...notFound, ...conflict('It is the last valid certificate while JWT Bearer is on (code `certificate_required`).') },
      },
    },
    '/apps/{app}/flows/{flow}': {
      parameters: [appParam, { name: 'flow', in: 'path', required: true, schema: { enum: ['jwt-bearer', 'client-credentials', 'username-password'] } }],
      put: {
        summary: 'Enable or disable a flow',
        requestBody: jsonBody(ref('FlowSwitch')),
        responses: {
          '200': json(ref('App')),
          ...bodyErrors,
          ...notFound,
          ...conflict(`JWT Bearer needs a currently valid certificate on the app (code \`certificate_required\`), ${LOCKOUT}.`),
        },
      },
    },
    '/apps/{app}/policies': {
      parameters: [appParam],
      patch: {
        summary: 'Change the app\'s policies',
        requestBody: jsonBody(ref('Policies')),
        responses: { '200': json(ref('App')), ...bodyErrors, ...notFound, ...conflict('The change would leave the app your token comes from unable to let you in (code `conflict`).') },
      },
    },
    '/login-history': {
      get: {
        summary: 'Read the login history, newest first',
        description: 'JSON by default; CSV with `?format=csv` or `Accept: text/csv` (then `X-Total-Count` carries the total).',
        parameters: [
          query('app', 'App id or name'),
          query('user', 'User id or username'),
          query('outcome', 'Outcome', { enum: ['success', 'failure'] }),
          query('grant', 'Grant', { enum: ['jwt-bearer', 'client-credentials', 'password', 'console', 'unknown'] }),
          query('since', 'Rows at or after this time (RFC 3339 with its offset, or a date meaning midnight UTC; a time without an offset is refused)', dateTime),
          query('until', 'Rows before this time (same forms as `since`)', dateTime),
          query('limit', 'Rows per page', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }),
          query('offset', 'Rows to skip', { type: 'integer', minimum: 0, default: 0 }),
          query('format', 'Response format', { enum: ['json', 'csv'] }),
        ],
        responses: {
          '200': { description: 'OK', content: { 'application/json': { schema: ref('LoginHistoryPage') }, 'text/csv': { schema: { type: 'string' } } } },
          '406': problemResponse('Neither JSON nor CSV is acceptable (code `not_acceptable`).'),
          '422': problemResponse('A filter is invalid (code `validation_failed`; `field` names it).'),
        },
      },
    },

    '/reviews': {
      post: {
        summary: 'Run a Health Review now and keep it',
        description: 'Reviews the org as stored, with the login history of the last 90 days and the accepted risks. The body is optional.',
        requestBody: { required: false, content: { 'application/json': { schema: ref('ReviewRun') } } },
        responses: { '201': json(ref('Review'), 'Created; `Location` names the review.'), ...bodyErrors },
      },
      get: {
        summary: 'List past reviews with their scores, newest first',
        parameters: [query('limit', 'Reviews to list', { type: 'integer', minimum: 1, maximum: 500, default: 50 })],
        responses: { '200': json(list('ReviewSummary')), '422': problemResponse('`limit` is invalid (code `validation_failed`).') },
      },
    },
    '/reviews/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: { summary: 'Show a stored review with its report', responses: { '200': json(ref('Review')), '404': problemResponse('No review with that id (code `not_found`).') } },
    },
    '/reviews/compare': {
      get: {
        summary: 'Compare two reviews: what changed and why the score moved',
        parameters: [
          { ...query('before', 'The earlier review\'s id'), required: true },
          { ...query('after', 'The later review\'s id'), required: true },
        ],
        responses: {
          '200': json(ref('ReviewComparison')),
          '404': problemResponse('No review with one of the ids (code `not_found`).'),
          '422': problemResponse('`before` or `after` is missing (code `validation_failed`).'),
        },
      },
    },
    '/reviews/fix-plan': {
      get: {
        summary: 'Plan the safe fix of a control on an app, without changing anything',
        parameters: [{ ...query('control', 'A fixable control id'), required: true }, { ...query('app', 'App id or name'), required: true }],
        responses: {
          '200': json(ref('FixPlan')),
          '404': problemResponse('No such app (code `not_found`, field `app`).'),
          '422': problemResponse('The control has no automatic fix, or a parameter is missing (code `validation_failed`).'),
        },
      },
    },
    '/reviews/fix': {
      post: {
        summary: 'Apply the safe fix of a control on an app',
        description: 'Plans the fix afresh and applies it through the app service. Without `"confirm": true` nothing changes (422).',
        requestBody: jsonBody(ref('FixApply')),
        responses: {
          '200': json(ref('FixApplied'), 'The plan that was applied.'),
          ...bodyErrors,
          '404': problemResponse('No such app (code `not_found`, field `app`).'),
          ...conflict(`The fix is blocked, e.g. no trusted IP range to enforce, ${LOCKOUT}.`),
        },
      },
    },
    '/accepted-risks': {
      get: { summary: 'List accepted risks', responses: { '200': json(list('AcceptedRisk')) } },
      post: {
        summary: 'Accept the current failing or warning finding of a control on a subject',
        requestBody: jsonBody(ref('AcceptedRiskCreate')),
        responses: {
          '201': json(ref('AcceptedRisk'), 'Created; `Location` names it. An acceptance of the same control and subject is replaced.'),
          ...bodyErrors,
          '404': problemResponse('The control has no finding on that subject (code `not_found`, field `subject`).'),
          ...conflict('The finding passes or does not apply, so there is nothing to accept (code `conflict`).'),
        },
      },
    },
    '/accepted-risks/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      delete: { summary: 'Revoke an accepted risk', responses: { ...noContent, '404': problemResponse('No accepted risk with that id (code `not_found`).') } },
    },
  }),
};
