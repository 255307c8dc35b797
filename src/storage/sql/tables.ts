/**
 * Table shapes shared by every SQL backend. Portable column types only: text, integer,
 * bigint (epoch milliseconds unless named `_s`), JSON kept as text, booleans as 0/1.
 */
import type { Generated } from 'kysely';

export interface OrgTable {
  id: string;
  name: string;
  base_url: string;
  extra_audiences: string;
  clock_skew_seconds: number;
  max_assertion_lifetime_seconds: number;
  access_token_lifetime_seconds: number;
  require_asymmetric_m2m: number;
}

export interface UserTable {
  id: string;
  username: string;
  /**
   * usernameKey(username), unique (migration 0008). Users who already clashed in letter case
   * when it ran hold the key followed by a line feed and their id, so each stays found by its
   * exact username only.
   */
  username_key: string;
  email: string;
  profile: string;
  permission_sets: string;
  permissions: string;
  active: number;
  locked: number;
  login_ip_ranges: string;
  approved_apps: string;
  password_hash: string | null;
  totp_secret: string | null;
  tokens_revoked_at: number | null;
}

export interface AppTable {
  id: string;
  name: string;
  consumer_key: string;
  consumer_secret_hash: string | null;
  consumer_secret_created_at: number | null;
  contact_email: string;
  scopes: string;
  flow_jwt_bearer: number;
  flow_client_credentials: number;
  flow_username_password: number;
  client_credentials_run_as: string | null;
  require_jti: number;
  access_token_format: string;
  assertion_profile: string;
  key_custody: string;
  policies: string;
  created_at: number;
  updated_at: number;
}

export interface CertificateTable {
  id: string;
  app_id: string;
  pem: string;
  subject: string;
  issuer: string;
  serial_number: string;
  not_before: number;
  not_after: number;
  fingerprint_sha256: string;
  key_type: string;
  key_size: number;
  curve: string | null;
  added_at: number;
}

export interface UsedJtiTable {
  namespace: string;
  jti: string;
  expires_at_s: number;
}

export interface FailureCountTable {
  subject: string;
  window_start_s: number;
  failures: number;
  expires_at_s: number;
}

export interface LoginHistoryTable {
  seq: Generated<number>;
  id: string;
  at: number;
  app_id: string | null;
  app_name: string | null;
  user_id: string | null;
  username: string | null;
  grant_type: string;
  credential: string;
  client_address: string;
  outcome: string;
  error_code: string | null;
  reason: string;
  certificate_fingerprint: string | null;
  jti_hash: string | null;
  scope: string | null;
}

export interface SigningKeyTable {
  kid: string;
  alg: string;
  private_key_pem: string;
  created_at: number;
}

export interface OpaqueTokenTable {
  token_hash: string;
  token_id: string;
  app_id: string;
  user_id: string;
  scope: string;
  issued_at_s: number;
  expires_at_s: number;
}

export interface RevokedTokenTable {
  token_id: string;
  app_id: string;
  expires_at_s: number;
}

export interface ReviewTable {
  id: string;
  generated_at: number;
  score: number;
  grade: string;
  baseline: string;
  app_count: number;
  /** The review's JSON report. */
  report: string;
}

export interface AcceptedRiskTable {
  id: string;
  control: string;
  subject: string;
  reason: string;
  owner: string;
  expires_at: number;
  accepted_at: number;
  state: string | null;
}

export interface Database {
  org: OrgTable;
  users: UserTable;
  apps: AppTable;
  certificates: CertificateTable;
  used_jti: UsedJtiTable;
  failure_counts: FailureCountTable;
  login_history: LoginHistoryTable;
  signing_keys: SigningKeyTable;
  opaque_tokens: OpaqueTokenTable;
  revoked_tokens: RevokedTokenTable;
  reviews: ReviewTable;
  accepted_risks: AcceptedRiskTable;
}
