/**
 * Input shapes for the admin services, shared by the admin API, the console and the CLI so
 * that all three accept exactly the same values. Built from the configuration schema.
 */
import { z } from 'zod';
import { MAX_CERTIFICATES_PER_APP } from '../domain/app.js';
import { AppSchema, OrgSchema, PoliciesSchema, UserSchema } from '../config/schema.js';
import { AdminError } from './admin-errors.js';

type WithoutDefaults<S extends z.core.$ZodShape> = { [K in keyof S]: S[K] extends z.ZodDefault<infer Inner> ? Inner : S[K] };

/**
 * The configuration schema's fields as an update takes them: without their defaults, so
 * that a field an update leaves out keeps its current value instead of being reset.
 */
function withoutDefaults<S extends z.core.$ZodShape>(shape: S): WithoutDefaults<S> {
  return Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, field instanceof z.ZodDefault ? field.unwrap() : field])) as WithoutDefaults<S>;
}

export const CreateUserInput = UserSchema.omit({ passwordEnv: true }).extend({
  email: z.email().optional(),
  /** Console sign-in (users holding ManageUsers) and the legacy password flow. */
  password: z.string().min(12, 'must be at least 12 characters').max(256).optional(),
});
export type CreateUserInput = z.input<typeof CreateUserInput>;

export const UpdateUserInput = z
  .strictObject(
    withoutDefaults({
      email: z.email(),
      profile: UserSchema.shape.profile,
      permissionSets: UserSchema.shape.permissionSets,
      permissions: UserSchema.shape.permissions,
      active: z.boolean(),
      locked: z.boolean(),
      loginIpRanges: UserSchema.shape.loginIpRanges,
      approvedApps: UserSchema.shape.approvedApps,
      password: CreateUserInput.shape.password,
    }),
  )
  .partial();
export type UpdateUserInput = z.input<typeof UpdateUserInput>;

const FlowsInput = z.strictObject({ jwtBearer: z.boolean(), clientCredentials: z.boolean(), usernamePassword: z.boolean() }).partial();

export const CreateAppInput = AppSchema.omit({ certificates: true, consumerSecretEnv: true, flows: true }).extend({
  contactEmail: z.email().optional(),
  flows: FlowsInput.optional(),
  /** Generate a consumer secret now; it is returned once. */
  generateSecret: z.boolean().default(false),
  /** PEM certificates to add before the flows are switched on. */
  certificates: z.array(z.string().min(1)).max(MAX_CERTIFICATES_PER_APP, `an app holds at most ${MAX_CERTIFICATES_PER_APP} certificates`).default([]),
});
export type CreateAppInput = z.input<typeof CreateAppInput>;

export const UpdateAppInput = z
  .strictObject(
    withoutDefaults({
      contactEmail: z.email(),
      scopes: AppSchema.shape.scopes,
      flows: FlowsInput,
      clientCredentialsRunAs: z.string().nullable(),
      requireJti: z.boolean(),
      accessTokenFormat: AppSchema.shape.accessTokenFormat,
      assertionProfile: AppSchema.shape.assertionProfile,
      keyCustody: AppSchema.shape.keyCustody,
      policies: z.strictObject(withoutDefaults(PoliciesSchema.shape)).partial(),
    }),
  )
  .partial();
export type UpdateAppInput = z.input<typeof UpdateAppInput>;

export const UpdateOrgInput = z.strictObject(withoutDefaults(OrgSchema.shape)).partial();
export type UpdateOrgInput = z.input<typeof UpdateOrgInput>;

/** Parses service input, turning the first problem into a `validation_failed` error with its path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // zod reports an unknown key on the object that holds it; the field to name is the key itself.
  const unknownKey = issue.code === 'unrecognized_keys';
  const field = (unknownKey ? [...issue.path, issue.keys[0]!] : issue.path).map(String).join('.');
  const message = unknownKey ? 'is not a known field' : issue.message;
  throw new AdminError('validation_failed', field ? `${field}: ${message}` : message, field || undefined);
}
