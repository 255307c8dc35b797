import type { Kysely } from 'kysely';

/** Org, users, apps and certificates; the replay store, login history, tokens and server keys. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('org')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('extra_audiences', 'text', (c) => c.notNull())
    .addColumn('clock_skew_seconds', 'integer', (c) => c.notNull())
    .addColumn('max_assertion_lifetime_seconds', 'integer', (c) => c.notNull())
    .addColumn('access_token_lifetime_seconds', 'integer', (c) => c.notNull())
    .addColumn('require_asymmetric_m2m', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('permission_sets', 'text', (c) => c.notNull())
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('locked', 'integer', (c) => c.notNull())
    .addColumn('login_ip_ranges', 'text', (c) => c.notNull())
    .addColumn('approved_apps', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('totp_secret', 'text')
    .execute();

  await db.schema
    .createTable('apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('consumer_key', 'text', (c) => c.notNull().unique())
    .addColumn('consumer_secret_hash', 'text')
    .addColumn('consumer_secret_created_at', 'bigint')
    .addColumn('contact_email', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('flow_jwt_bearer', 'integer', (c) => c.notNull())
    .addColumn('flow_client_credentials', 'integer', (c) => c.notNull())
    .addColumn('flow_username_password', 'integer', (c) => c.notNull())
    .addColumn('client_credentials_run_as', 'text')
    .addColumn('require_jti', 'integer', (c) => c.notNull())
    .addColumn('access_token_format', 'text', (c) => c.notNull())
    .addColumn('assertion_profile', 'text', (c) => c.notNull())
    .addColumn('key_custody', 'text', (c) => c.notNull())
    .addColumn('policies', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('certificates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('pem', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('serial_number', 'text', (c) => c.notNull())
    .addColumn('not_before', 'bigint', (c) => c.notNull())
    .addColumn('not_after', 'bigint', (c) => c.notNull())
    .addColumn('fingerprint_sha256', 'text', (c) => c.notNull())
    .addColumn('key_type', 'text', (c) => c.notNull())
    .addColumn('key_size', 'integer', (c) => c.notNull())
    .addColumn('curve', 'text')
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('certificates_app_fingerprint', ['app_id', 'fingerprint_sha256'])
    .execute();

  await db.schema
    .createTable('used_jti')
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('jti', 'text', (c) => c.notNull())
    .addColumn('expires_at_s', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('used_jti_pk', ['namespace', 'jti'])
    .execute();
  await db.schema.createIndex('used_jti_expiry').on('used_jti').column('expires_at_s').execute();

  await db.schema
    .createTable('login_history')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('app_id', 'text')
    .addColumn('app_name', 'text')
    .addColumn('user_id', 'text')
    .addColumn('username', 'text')
    .addColumn('grant_type', 'text', (c) => c.notNull())
    .addColumn('credential', 'text', (c) => c.notNull())
    .addColumn('client_address', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('certificate_fingerprint', 'text')
    .addColumn('jti_hash', 'text')
    .execute();
  await db.schema.createIndex('login_history_at').on('login_history').column('at').execute();
  await db.schema.createIndex('login_history_app_at').on('login_history').columns(['app_id', 'at']).execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('private_key_pem', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('opaque_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('token_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('issued_at_s', 'bigint', (c) => c.notNull())
    .addColumn('expires_at_s', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('revoked_tokens')
    .addColumn('token_id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('expires_at_s', 'bigint', (c) => c.notNull())
    .execute();
}
