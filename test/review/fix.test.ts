import { describe, expect, it } from 'vitest';
import { applyFixPlan, FIXABLE_CONTROLS, FixPlanError, planFix, type AppChange } from '../../src/review/fix/plan-fix.js';
import { app, appTraffic, daysFromNow, snapshot, traffic } from './helpers.js';

const legacy = app({
  name: 'legacy',
  flows: { jwtBearer: true, clientCredentials: true, usernamePassword: true },
  hasConsumerSecret: true,
  consumerSecretCreatedAt: daysFromNow(-10),
  ipRelaxation: 'relax',
  trustedIpRanges: ['10.0.0.0/8'],
  requireJti: false,
});
const legacyTraffic = appTraffic('legacy', {
  usage: [
    { grant: 'password', credential: 'password', outcome: 'success', count: 7, users: ['bob@example.com'], lastSeen: daysFromNow(-3), withoutJti: 0 },
    { grant: 'password', credential: 'password', outcome: 'failure', count: 2, users: ['eve@example.com'], lastSeen: daysFromNow(-2), withoutJti: 0 },
    { grant: 'client-credentials', credential: 'client-secret', outcome: 'success', count: 5, users: ['svc@example.com'], lastSeen: daysFromNow(-1), withoutJti: 0 },
    { grant: 'jwt-bearer', credential: 'assertion', outcome: 'success', count: 9, users: ['erp@example.com'], lastSeen: daysFromNow(-1), withoutJti: 4 },
  ],
  clientAddresses: [
    { address: '10.4.5.6', count: 10, lastSeen: daysFromNow(-1) },
    { address: '198.51.100.7', count: 11, lastSeen: daysFromNow(-2) },
  ],
});
const online = snapshot([legacy], { traffic: traffic([legacyTraffic]) });

describe('review fix planning', () => {
  it('offers exactly the four safe remediations', () => {
    expect([...FIXABLE_CONTROLS].sort()).toEqual([
      'eca.oauth-flow.client-credentials-constrained',
      'eca.oauth-flow.username-password-disabled',
      'eca.policy.ip-relaxation-enforced',
      'eca.replay.require-jti',
    ]);
  });

  it('disabling username-password lists the users who obtained tokens with a password', () => {
    const plan = planFix('eca.oauth-flow.username-password-disabled', 'legacy', online);
    expect(plan.changes).toEqual([{ change: { kind: 'disableFlow', flow: 'usernamePassword' }, setting: 'flows.usernamePassword', from: 'true', to: 'false' }]);
    expect(plan.breaks).toEqual([
      { username: 'bob@example.com', address: null, requests: 7, lastSeen: daysFromNow(-3), reason: 'obtained tokens with the password grant, last on 2025-05-29' },
    ]);
    expect(plan.blocked).toBeNull();
    expect(plan.summary).toContain('1 integration would break');
  });

  it('disabling client credentials lists its callers', () => {
    const plan = planFix('eca.oauth-flow.client-credentials-constrained', 'legacy', online);
    expect(plan.breaks?.map((b) => b.username)).toEqual(['svc@example.com']);
  });

  it('enforcing IP restrictions lists addresses outside the trusted ranges', () => {
    const plan = planFix('eca.policy.ip-relaxation-enforced', 'legacy', online);
    expect(plan.changes[0]!.change).toEqual({ kind: 'enforceIpRestrictions' });
    expect(plan.breaks?.map((b) => b.address)).toEqual(['198.51.100.7']);
  });

  it('refuses to enforce IP restrictions when no trusted range exists', () => {
    const plan = planFix('eca.policy.ip-relaxation-enforced', 'legacy', snapshot([{ ...legacy, trustedIpRanges: [] }]));
    expect(plan.changes).toEqual([]);
    expect(plan.blocked).toContain('no trusted IP range');
  });

  it('requiring jti lists integrations that sent assertions without one', () => {
    const plan = planFix('eca.replay.require-jti', 'legacy', online);
    expect(plan.changes[0]!.change).toEqual({ kind: 'requireJti' });
    expect(plan.breaks).toEqual([expect.objectContaining({ username: 'erp@example.com', requests: 4 })]);
  });

  it('says when breakage cannot be judged offline, and when nothing needs changing', () => {
    const offline = planFix('eca.replay.require-jti', 'legacy', snapshot([legacy]));
    expect(offline.breaks).toBeNull();
    expect(offline.summary).toContain('No login history');
    const done = planFix('eca.replay.require-jti', 'erp-sync', snapshot([app()]));
    expect(done.changes).toEqual([]);
    expect(done.summary).toBe('Nothing to change: the app already complies.');
  });

  it('does not offer require jti for a salesforce-compat app, where the switch changes nothing', () => {
    const compat = planFix('eca.replay.require-jti', 'legacy', snapshot([{ ...legacy, assertionProfile: 'salesforce-compat' }]));
    expect(compat.changes).toEqual([]);
    expect(compat.blocked).toContain('salesforce-compat profile');
  });

  it('rejects an unfixable control or an unknown app', () => {
    expect(() => planFix('eca.oauth-scope.least-privilege', 'legacy', online)).toThrow(FixPlanError);
    expect(() => planFix('eca.replay.require-jti', 'nope', online)).toThrow(/no app is named "nope"/);
  });

  it('applies a plan through the port, and never a blocked one', async () => {
    const applied: [string, readonly AppChange[]][] = [];
    const port = { applyAppChanges: async (name: string, changes: readonly AppChange[]) => void applied.push([name, changes]) };
    await applyFixPlan(planFix('eca.replay.require-jti', 'legacy', online), port);
    expect(applied).toEqual([['legacy', [{ kind: 'requireJti' }]]]);
    const blocked = planFix('eca.policy.ip-relaxation-enforced', 'legacy', snapshot([{ ...legacy, trustedIpRanges: [] }]));
    await expect(applyFixPlan(blocked, port)).rejects.toBeInstanceOf(FixPlanError);
    expect(applied).toHaveLength(1);
  });
});
