/**
 * The review resolves an app's run-as user as the token endpoint does: usernames ignore letter
 * case (Salesforce's and Keygate's), so a run-as spelt in another case is still that user and
 * their permissions count.
 */
import { describe, expect, it } from 'vitest';
import { PrincipalDirectory, type PrincipalPolicy, type ReviewUser } from '../../src/review/sources/principals.js';

const user = (username: string, permissions: string[]): ReviewUser => ({
  username,
  profile: 'Integration',
  permissionSets: [],
  permissions,
  active: true,
  approvedApps: [],
  hasPassword: false,
});
const app = (runAs: string): PrincipalPolicy => ({ name: 'Export', permittedUsers: 'adminApproved', profiles: [], permissionSets: [], clientCredentialsRunAs: runAs });

describe('review principals: the run-as user', () => {
  it('is found in any letter case, with the permissions that make it admin-grade', () => {
    const directory = new PrincipalDirectory([user('Svc@Acme.test', ['ModifyAllData'])]);
    expect(directory.runAs(app('svc@acme.test'))).toMatchObject({ kind: 'user', name: 'Svc@Acme.test', elevatedPermissions: ['ModifyAllData'] });
  });

  it('is found by exact spelling only when two users share the name in different cases', () => {
    const directory = new PrincipalDirectory([user('dup@acme.test', []), user('DUP@acme.test', ['ManageUsers'])]);
    expect(directory.runAs(app('DUP@acme.test'))).toMatchObject({ name: 'DUP@acme.test', elevatedPermissions: ['ManageUsers'] });
    expect(directory.runAs(app('Dup@acme.test'))).toMatchObject({ name: 'Dup@acme.test', elevatedPermissions: [] });
  });
});
