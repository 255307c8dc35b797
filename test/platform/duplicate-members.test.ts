/** RFC 8259 §4 names, as the strict JWS parser compares them: after decoding, per object. */
import { describe, expect, it } from 'vitest';
import { hasDuplicateMember } from '../../src/oauth/jws/parse-compact-jws.js';

describe('hasDuplicateMember', () => {
  it.each([
    ['{"a":1,"a":2}', true],
    ['{"a":1,"\\u0061":2}', true],
    ['{"x":{"a":1,"a":2}}', true],
    ['{"x":[{"a":1,"a":2}]}', true],
    ['{"a":1,"b":2}', false],
    ['{"a":{"x":1},"b":{"x":2}}', false],
    ['{"a":"a","b":"a"}', false],
    ['{"a":"{\\"a\\":1}","b":"}{"}', false],
    ['{"a\\"b":1,"a\\"b":2}', true],
    ['{"arr":["a","a"],"a":1}', false],
    ['{}', false],
  ])('%s → %s', (json, duplicate) => {
    JSON.parse(json); // the cases are valid JSON
    expect(hasDuplicateMember(json)).toBe(duplicate);
  });
});
