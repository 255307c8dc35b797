/**
 * RFC 7515 §7.1 (compact serialization) and RFC 8725 §3.1 (strict parsing), as the rules'
 * step 1 applies them: exactly three unpadded base64url segments without whitespace, a header
 * and payload that are JSON objects without duplicate member names, and at most 8 KiB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKeygate } from '../../src/main.js';
import { createLogger } from '../../src/platform/logger.js';
import { expectGrantRefused, expectOAuthError, expectTokenResponse } from '../helpers/expect-oauth.js';
import { JWT_BEARER, TOKEN_PATH, USERS, startHarness, type Harness } from '../helpers/keygate-harness.js';
import { b64url, compactJws } from '../helpers/keys.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Signs exact payload JSON text with the RSA app's key. */
function signedRaw(payload: string, rawHeader?: string): string {
  return compactJws({ alg: 'RS256', header: { typ: 'JWT' }, payload, key: h.keys.rsa.privateKey, ...(rawHeader !== undefined && { rawHeader }) });
}

function claimsJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify(h.claims(overrides));
}

describe('RFC 7515 §7.1: three unpadded base64url segments', () => {
  it('RFC 7515 §7.1: rejects four segments', async () => {
    await expectGrantRefused(h, await h.grant(`${h.assertion()}.AAAA`), 'invalid_grant', 'invalid assertion', 'malformed_not_three_segments');
  });

  it('RFC 7515 §7.1: rejects five segments (JWE compact serialization)', async () => {
    await expectGrantRefused(h, await h.grant(`${b64url('{"alg":"RSA-OAEP","enc":"A256GCM"}')}.AAAA.AAAA.AAAA.AAAA`), 'invalid_grant', 'invalid assertion', 'malformed_not_three_segments');
  });

  it('RFC 7515 §7.1: rejects two segments', async () => {
    const [head, body] = h.assertion().split('.');
    await expectGrantRefused(h, await h.grant(`${head}.${body}`), 'invalid_grant', 'invalid assertion', 'malformed_not_three_segments');
  });

  it('RFC 7515 §7.1: rejects empty segments', async () => {
    await expectGrantRefused(h, await h.grant('..'), 'invalid_grant', 'invalid assertion', 'malformed_not_three_segments');
  });

  it('RFC 7515 §2: rejects base64 padding on the signature', async () => {
    await expectGrantRefused(h, await h.grant(`${h.assertion()}==`), 'invalid_grant', 'invalid assertion', 'malformed_bad_base64url');
  });

  it('RFC 7515 §2: rejects base64 padding on the header', async () => {
    const [head, body, sig] = h.assertion().split('.');
    await expectGrantRefused(h, await h.grant(`${head}=.${body}.${sig}`), 'invalid_grant', 'invalid assertion', 'malformed_bad_base64url');
  });

  it('RFC 7515 §2: rejects the standard base64 alphabet (+ and /)', async () => {
    const [head, body, sig] = h.assertion().split('.');
    const standard = Buffer.from(sig!, 'base64url').toString('base64').replace(/=+$/, '');
    const assertion = `${head}.${body}.${standard.includes('+') || standard.includes('/') ? standard : `${standard.slice(0, -1)}+`}`;
    await expectGrantRefused(h, await h.grant(assertion), 'invalid_grant', 'invalid assertion', 'malformed_bad_base64url');
  });

  for (const [label, mutate] of [
    ['a leading space', (a: string) => ` ${a}`],
    ['a trailing newline', (a: string) => `${a}\n`],
    ['a space inside the payload segment', (a: string) => a.replace('.', '. ')],
    ['a line break inside the signature', (a: string) => `${a.slice(0, -20)}\r\n${a.slice(-20)}`],
    ['a tab before the signature', (a: string) => a.replace(/\.([^.]*)$/, '.\t$1')],
  ] as const) {
    it(`RFC 7515 §7.1: rejects an assertion with ${label}`, async () => {
      await expectGrantRefused(h, await h.grant(mutate(h.assertion())), 'invalid_grant', 'invalid assertion', 'malformed_bad_base64url');
    });
  }

  it('RFC 4648 §5: rejects a segment whose length cannot come from whole bytes', async () => {
    const assertion = h.assertion(); // RS256 over 2048 bits: a 342-character signature
    expect((assertion.length - assertion.lastIndexOf('.') - 1) % 4).toBe(2);
    await expectGrantRefused(h, await h.grant(`${assertion}AAA`), 'invalid_grant', 'invalid assertion', 'malformed_bad_base64url');
  });

  /** The same text with the last character's unused low bits set: decoders read the same bytes. */
  const respelled = (segment: string): string => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(segment.at(-1)!);
    expect(segment.length % 4, 'the segment must have spare bits').not.toBe(0);
    return segment.slice(0, -1) + alphabet[last | 1]!;
  };

  it('RFC 4648 §3.5: rejects a signature whose unused trailing bits are set (one signature, one spelling)', async () => {
    const [head, body, signature] = h.assertion({ key: h.keys.ec, claims: { iss: 'ec-app' } }).split('.');
    expect(Buffer.from(respelled(signature!), 'base64url')).toEqual(Buffer.from(signature!, 'base64url'));
    await expectGrantRefused(h, await h.grant(`${head}.${body}.${respelled(signature!)}`), 'invalid_grant', 'invalid assertion', 'malformed_bad_base64url');
  });

  it('RFC 4648 §3.5: rejects a payload whose unused trailing bits are set', async () => {
    let assertion = h.assertion();
    while (assertion.split('.')[1]!.length % 4 === 0) assertion = h.assertion();
    const [head, body, signature] = assertion.split('.');
    await expectGrantRefused(h, await h.grant(`${head}.${respelled(body!)}.${signature}`), 'invalid_grant', 'invalid assertion', 'malformed_bad_base64url');
  });
});

describe('RFC 7515 §5.2, RFC 8725 §3.1: the header and payload are JSON objects, parsed strictly', () => {
  it('RFC 7519 §7.2: rejects a payload that is not JSON', async () => {
    const assertion = compactJws({ alg: 'RS256', header: { typ: 'JWT' }, payload: 'not json', key: h.keys.rsa.privateKey });
    await expectGrantRefused(h, await h.grant(assertion), 'invalid_grant', 'invalid assertion', 'malformed_payload_not_json_object');
  });

  it('RFC 7519 §7.2: rejects a payload that is a JSON array, even validly signed', async () => {
    await expectGrantRefused(h, await h.grant(signedRaw(`[${claimsJson()}]`)), 'invalid_grant', 'invalid assertion', 'malformed_payload_not_json_object');
  });

  it('RFC 7519 §7.2: rejects a payload that is JSON null', async () => {
    await expectGrantRefused(h, await h.grant(signedRaw('null')), 'invalid_grant', 'invalid assertion', 'malformed_payload_not_json_object');
  });

  it('RFC 7515 §4: rejects a header that is not a JSON object', async () => {
    await expectGrantRefused(h, await h.grant(signedRaw(claimsJson(), '"RS256"')), 'invalid_grant', 'invalid assertion', 'malformed_header_not_json_object');
  });

  it('RFC 7519 §4: rejects duplicate member names in the payload (sub twice, validly signed)', async () => {
    const json = claimsJson().replace(/^\{/, `{"sub":"${USERS.locked}",`);
    expect(json.match(/"sub"/g)).toHaveLength(2);
    await expectGrantRefused(h, await h.grant(signedRaw(json)), 'invalid_grant', 'invalid assertion', 'malformed_duplicate_member');
  });

  it('RFC 7519 §4: rejects duplicate member names spelled with escapes ("sub" and "\\u0073ub")', async () => {
    const json = claimsJson().replace(/^\{/, `{"\\u0073ub":"${USERS.locked}",`);
    await expectGrantRefused(h, await h.grant(signedRaw(json)), 'invalid_grant', 'invalid assertion', 'malformed_duplicate_member');
  });

  it('RFC 7519 §4: rejects duplicate exp members (a later one cannot extend the lifetime)', async () => {
    const json = claimsJson().replace(/\}$/, `,"exp":${h.now() + 86_400}}`);
    await expectGrantRefused(h, await h.grant(signedRaw(json)), 'invalid_grant', 'invalid assertion', 'malformed_duplicate_member');
  });

  it('RFC 7519 §4: rejects duplicate member names inside a nested object', async () => {
    const json = claimsJson().replace(/\}$/, ',"ext":{"a":1,"a":2}}');
    await expectGrantRefused(h, await h.grant(signedRaw(json)), 'invalid_grant', 'invalid assertion', 'malformed_duplicate_member');
  });

  it('RFC 7515 §5.2: rejects duplicate member names in the header (alg twice)', async () => {
    const header = '{"alg":"none","typ":"JWT","alg":"RS256"}';
    await expectGrantRefused(h, await h.grant(signedRaw(claimsJson(), header)), 'invalid_grant', 'invalid assertion', 'malformed_duplicate_member');
  });

  it('RFC 8259 §4: the same member name in sibling objects is not a duplicate', async () => {
    const json = claimsJson().replace(/\}$/, ',"a":{"x":1},"b":{"x":2}}');
    expectTokenResponse(await h.grant(signedRaw(json)));
  });
});

describe('rules step 1: the assertion is at most 8 KiB', () => {
  /** A valid ES256 assertion whose total length is exactly `length`, when one exists. */
  function assertionOfLength(length: number): string | undefined {
    const make = (filler: number) => h.assertion({ key: h.keys.ec, claims: { iss: 'ec-app', pad: 'x'.repeat(filler) } });
    const start = Math.max(0, Math.floor(((length - make(0).length) * 3) / 4) - 8);
    for (let filler = start; filler < start + 32; filler++) {
      const a = make(filler);
      if (a.length === length) return a;
      if (a.length > length) return undefined;
    }
    return undefined;
  }

  it('rules step 1: rejects a validly signed assertion over 8 KiB', async () => {
    const big = h.assertion({ claims: { pad: 'x'.repeat(9000) } });
    expect(big.length).toBeGreaterThan(8192);
    await expectGrantRefused(h, await h.grant(big), 'invalid_grant', 'invalid assertion', 'malformed_too_large');
  });

  it('rules step 1: accepts an assertion of exactly 8192 characters and refuses one of 8193', async () => {
    const exact = assertionOfLength(8192);
    const over = assertionOfLength(8193) ?? assertionOfLength(8194);
    expect(exact).toBeDefined();
    expect(over).toBeDefined();
    expectTokenResponse(await h.grant(exact!));
    await expectGrantRefused(h, await h.grant(over!), 'invalid_grant', 'invalid assertion', 'malformed_too_large');
  });

  it('rules step 1 (policy): oauth.maxAssertionBytes raises the limit, and the token endpoint reads a form that large', async () => {
    const roomier = await buildKeygate(
      { dataDir: h.dataDir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'silent' }), clock: h.clock, oauth: { maxAssertionBytes: 24 * 1024 } },
      false,
    );
    try {
      const grant = (assertion: string) =>
        roomier.app.inject({ method: 'POST', url: TOKEN_PATH, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString() });
      const twenty = h.assertion({ claims: { pad: 'x'.repeat(15_000) } });
      expect(twenty.length).toBeGreaterThan(20_000);
      expectTokenResponse(await grant(twenty));
      const thirty = h.assertion({ claims: { pad: 'x'.repeat(23_000) } });
      expect(thirty.length).toBeGreaterThan(24 * 1024);
      expectOAuthError(await grant(thirty), 400, 'invalid_grant', 'invalid assertion');
    } finally {
      await roomier.close();
    }
  });
});
