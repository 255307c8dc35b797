/** TokenStore contract: opaque tokens by hash, and revocations every instance sees at once. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BACKENDS, twoInstancesOf } from './backends.js';
import { aLoginEvent } from './fixtures.js';

const now = () => Math.floor(Date.now() / 1000);

describe.each(BACKENDS)('TokenStore on $name', (backend) => {
  const suite = twoInstancesOf(backend);

  it('finds an opaque token by its hash, from any instance', async () => {
    const record = { tokenId: randomUUID(), appId: 'app-1', userId: 'user-1', scope: 'api id', issuedAt: now(), expiresAt: now() + 3600 };
    const hash = randomUUID();
    expect(await suite.one.ledger.commitIssue({ replay: null, opaque: { tokenHash: hash, record }, event: aLoginEvent() })).toBe(true);
    expect(await suite.two.tokens.findOpaque(hash)).toEqual(record);
    expect(await suite.two.tokens.findOpaque(randomUUID())).toBeUndefined();
  });

  it('RFC 7009 §2.1: a revoked token is refused by every instance as soon as revoke() resolves', async () => {
    const tokenId = randomUUID();
    expect(await suite.one.tokens.isRevoked(tokenId)).toBe(false);
    expect(await suite.two.tokens.isRevoked(tokenId)).toBe(false); // a cache, if any, now holds "not revoked"
    await suite.one.tokens.revoke(tokenId, 'app-1', now() + 3600);
    expect(await suite.one.tokens.isRevoked(tokenId)).toBe(true);
    expect(await suite.two.tokens.isRevoked(tokenId)).toBe(true);
  });

  it('revoking twice is harmless', async () => {
    const tokenId = randomUUID();
    await suite.one.tokens.revoke(tokenId, 'app-1', now() + 60);
    await suite.two.tokens.revoke(tokenId, 'app-1', now() + 60);
    expect(await suite.two.tokens.isRevoked(tokenId)).toBe(true);
  });
});
