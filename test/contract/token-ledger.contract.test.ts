/**
 * TokenLedger contract, on every backend: a token request's replay key, opaque token and
 * success row are committed together, or (for a spent key) none of them.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { IssueWrites } from '../../src/oauth/ports.js';
import { BACKENDS, twoInstancesOf } from './backends.js';
import { aLoginEvent } from './fixtures.js';

const now = () => Math.floor(Date.now() / 1000);

/** One request's writes: an opaque token under a fresh hash and a success row of `appName`. */
function issueWrites(appName: string, replayKey: string | null): IssueWrites {
  const tokenHash = randomUUID();
  return {
    replay: replayKey === null ? null : { namespace: 'app-a', key: replayKey, expiresAtSeconds: now() + 300 },
    opaque: { tokenHash, record: { tokenId: randomUUID(), appId: 'app-a', userId: 'user-1', scope: 'api', issuedAt: now(), expiresAt: now() + 3600 } },
    event: aLoginEvent({ appName }),
  };
}

describe.each(BACKENDS)('TokenLedger on $name', (backend) => {
  const suite = twoInstancesOf(backend);

  const rowsOf = async (appName: string) => (await suite.two.admin.queryLoginHistory({ appName, limit: 100 })).total;

  it('a fresh key: commits the token and the row, and spends the key', async () => {
    const appName = `fresh-${randomUUID()}`;
    const writes = issueWrites(appName, randomUUID());
    expect(await suite.one.ledger.commitIssue(writes)).toBe(true);
    expect(await suite.two.tokens.findOpaque(writes.opaque!.tokenHash)).toEqual(writes.opaque!.record);
    expect((await suite.two.admin.queryLoginHistory({ appName })).events).toEqual([writes.event]);
    expect(await suite.two.replay.consume('app-a', writes.replay!.key, now() + 300)).toBe(false);
  });

  it('RFC 7523 §3: a spent key writes neither the token nor the row', async () => {
    const appName = `spent-${randomUUID()}`;
    const key = randomUUID();
    expect(await suite.one.replay.consume('app-a', key, now() + 300)).toBe(true);
    const writes = issueWrites(appName, key);
    expect(await suite.two.ledger.commitIssue(writes)).toBe(false);
    expect(await suite.one.tokens.findOpaque(writes.opaque!.tokenHash)).toBeUndefined();
    expect(await rowsOf(appName)).toBe(0);
  });

  it('without a replay key, always commits', async () => {
    const appName = `keyless-${randomUUID()}`;
    expect(await suite.one.ledger.commitIssue(issueWrites(appName, null))).toBe(true);
    expect(await suite.one.ledger.commitIssue(issueWrites(appName, null))).toBe(true);
    expect(await rowsOf(appName)).toBe(2);
  });

  it('of 50 concurrent commits of one key in one instance, exactly one wins and writes', async () => {
    const appName = `burst-${randomUUID()}`;
    const key = randomUUID();
    const attempts = Array.from({ length: 50 }, () => issueWrites(appName, key));
    const results = await Promise.all(attempts.map((w) => suite.one.ledger.commitIssue(w)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await rowsOf(appName)).toBe(1);
    const winner = attempts[results.indexOf(true)]!;
    expect(await suite.two.tokens.findOpaque(winner.opaque!.tokenHash)).toBeDefined();
    const found = await Promise.all(attempts.map((w) => suite.two.tokens.findOpaque(w.opaque!.tokenHash)));
    expect(found.filter(Boolean)).toHaveLength(1);
  });

  it('of 50 concurrent commits of one key split across two instances, exactly one wins and writes', async () => {
    const appName = `split-${randomUUID()}`;
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? suite.one : suite.two).ledger.commitIssue(issueWrites(appName, key))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await rowsOf(appName)).toBe(1);
  });

  it('commits requests with different keys side by side, each on its own', async () => {
    const appName = `mixed-${randomUUID()}`;
    const spent = randomUUID();
    await suite.one.replay.consume('app-a', spent, now() + 300);
    const keys = [randomUUID(), spent, randomUUID(), null, randomUUID()];
    const results = await Promise.all(keys.map((k) => suite.one.ledger.commitIssue(issueWrites(appName, k))));
    expect(results).toEqual([true, false, true, true, true]);
    expect(await rowsOf(appName)).toBe(4);
  });
});
