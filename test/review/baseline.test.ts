import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { CONTROL_IDS, CONTROLS } from '../../src/review/controls/index.js';
import { HIGH_SECURITY_BASELINE, parseBaseline, STANDARD_BASELINE } from '../../src/review/engine/baseline.js';
import { reviewSnapshot } from '../../src/review/engine/review.js';
import { resolveBaseline } from '../../src/review/index.js';
import { app, certificate, configErrorFrom, daysFromNow, snapshot, user } from './helpers.js';

const find = (result: ReturnType<typeof reviewSnapshot>, control: string) => result.findings.find((f) => f.control === control)!;

describe('baselines', () => {
  it('high-security makes every secret-based machine-to-machine control critical', () => {
    const snap = snapshot([
      app({
        flows: { jwtBearer: false, clientCredentials: true, usernamePassword: true },
        hasConsumerSecret: true,
        consumerSecretCreatedAt: daysFromNow(-5),
        runAs: null,
        principals: [user('erp@example.com', { interactiveSignIn: true, hasPassword: true })],
      }),
    ], { org: { id: null, name: 'Acme', requireAsymmetricM2M: false, maxAssertionLifetimeSeconds: 300 } });
    const standard = reviewSnapshot(snap, { controls: CONTROLS });
    const high = reviewSnapshot(snap, { controls: CONTROLS, baseline: HIGH_SECURITY_BASELINE });
    for (const id of ['eca.oauth-flow.jwt-bearer-enabled', 'eca.oauth-flow.client-credentials-constrained', 'eca.oauth-flow.username-password-disabled', 'org.m2m.asymmetric-required']) {
      expect(find(high, id).status, id).toBe('fail');
      expect(find(high, id).severity, id).toBe('critical');
      expect(find(standard, id).severity, id).not.toBe('critical');
    }
    expect(high.baseline).toBe('high-security');
    expect(high.score).toBeLessThanOrEqual(standard.score);
  });

  it('high-security tightens thresholds (session timeout 30 minutes, certificate warning 60 days)', () => {
    const snap = snapshot([app({ sessionTimeoutMinutes: 45, certificates: [certificate({ notAfter: daysFromNow(45) })] })]);
    expect(find(reviewSnapshot(snap, { controls: CONTROLS }), 'eca.policy.session-timeout').status).toBe('pass');
    expect(find(reviewSnapshot(snap, { controls: CONTROLS, baseline: HIGH_SECURITY_BASELINE }), 'eca.policy.session-timeout').status).toBe('warn');
    expect(find(reviewSnapshot(snap, { controls: CONTROLS }), 'eca.certificate.health').status).toBe('pass');
    expect(find(reviewSnapshot(snap, { controls: CONTROLS, baseline: HIGH_SECURITY_BASELINE }), 'eca.certificate.health').status).toBe('warn');
  });

  it('a custom baseline re-categorises controls and changes thresholds', () => {
    const custom = parseBaseline(
      `name: acme
extends: standard
categories:
  eca.policy.session-timeout: low
  eca.replay.require-jti: critical
thresholds:
  maxSessionTimeoutMinutes: 15
  certificateExpiryWarningDays: 90
`,
      CONTROL_IDS,
    );
    expect(custom.thresholds).toEqual({ ...STANDARD_BASELINE.thresholds, maxSessionTimeoutMinutes: 15, certificateExpiryWarningDays: 90 });
    const snap = snapshot([app({ sessionTimeoutMinutes: 60, requireJti: false })]);
    const result = reviewSnapshot(snap, { controls: CONTROLS, baseline: custom });
    const timeout = find(result, 'eca.policy.session-timeout');
    expect(timeout.status).toBe('fail');
    expect(timeout.category).toBe('low');
    expect(timeout.severity).toBe('low');
    expect(timeout.cvss!.score).toBeLessThanOrEqual(3.9);
    const jti = find(result, 'eca.replay.require-jti');
    expect(jti.severity).toBe('critical');
    expect(find(result, 'eca.certificate.health').status).toBe('pass');
  });

  it('a custom baseline extending high-security keeps its categories', () => {
    const custom = parseBaseline('{"name":"strict","extends":"high-security"}', CONTROL_IDS);
    expect(custom.categories['eca.oauth-flow.jwt-bearer-enabled']).toBe('critical');
    expect(custom.thresholds).toEqual(HIGH_SECURITY_BASELINE.thresholds);
  });

  it.each([
    ['an unknown control id', 'name: x\ncategories:\n  eca.nope: high\n', 'categories.eca.nope'],
    ['an unknown category', 'name: x\ncategories:\n  eca.policy.session-timeout: severe\n', 'categories.eca.policy.session-timeout'],
    ['a bad threshold', 'name: x\nthresholds:\n  maxSessionTimeoutMinutes: 0\n', 'thresholds.maxSessionTimeoutMinutes'],
    ['an unknown key', 'name: x\nthreshold: {}\n', ''],
    ['a misspelt name, not a missing one', 'nmae: x\n', ''],
    ['invalid YAML', 'name: [x\n', ''],
  ])('rejects %s with a ConfigError naming the path', (_label, text, path) => {
    let error: unknown;
    try {
      parseBaseline(text, CONTROL_IDS);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
  });

  it('a baseline file without a name is named after the file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keygate-baseline-')), 'acme-prod.yaml');
    writeFileSync(file, 'extends: high-security\n');
    expect(resolveBaseline(file).name).toBe('acme-prod');
    expect(parseBaseline('extends: standard\n', CONTROL_IDS).name).toBe('custom');
  });

  it('an error in a baseline file names the file before the dotted path', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keygate-baseline-')), 'strict.yaml');
    writeFileSync(file, 'thresholds:\n  maxSessionTimeoutMinutes: 0\n');
    expect(configErrorFrom(() => resolveBaseline(file))).toMatchObject({
      subject: 'baseline',
      message: `${file}: thresholds.maxSessionTimeoutMinutes: Too small: expected number to be >=1`,
    });
    writeFileSync(file, 'name: [x\n');
    expect(configErrorFrom(() => resolveBaseline(file))).toMatchObject({ subject: 'baseline', message: expect.stringMatching(new RegExp(`^${file}: the baseline is not valid YAML or JSON: `)) });
  });

  it('resolves built-in names, and a missing file is a ConfigError', () => {
    expect(resolveBaseline(undefined)).toBe(STANDARD_BASELINE);
    expect(resolveBaseline('high-security')).toBe(HIGH_SECURITY_BASELINE);
    expect(configErrorFrom(() => resolveBaseline('/nonexistent/baseline.yaml'))).toMatchObject({
      subject: 'baseline',
      message: '/nonexistent/baseline.yaml: cannot read the file (ENOENT)',
    });
  });
});
