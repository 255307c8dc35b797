/**
 * The PostgreSQL token path stops asking an unreachable server for a moment, so that during a
 * network black hole only the first requests wait out the connect timeout and the rest get
 * their 503 at once (issue 6: fail fast, recover by itself).
 */
import { describe, expect, it } from 'vitest';
import { PostgresTokenPath, PostgresUnavailableError } from '../../src/storage/postgres/postgres-token-path.js';

function fakePool(fail: () => Error | null) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    query: (async () => {
      calls += 1;
      const error = fail();
      if (error) throw error;
      return { rows: [], rowCount: 1 };
    }) as never,
  };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('PostgresTokenPath when the server is unreachable', () => {
  it('fails at once, without asking the server, for pauseMs after a connection error; then asks again', async () => {
    let down = true;
    const pool = fakePool(() => (down ? refused() : null));
    const path = new PostgresTokenPath(pool, 200);
    await expect(path.isRevoked('t')).rejects.toThrow('ECONNREFUSED');
    expect(pool.calls).toBe(1);
    await expect(path.isRevoked('t')).rejects.toBeInstanceOf(PostgresUnavailableError);
    await expect(path.revoke('t', 'a', 1)).rejects.toBeInstanceOf(PostgresUnavailableError);
    expect(pool.calls).toBe(1);
    down = false;
    await new Promise((r) => setTimeout(r, 250));
    expect(await path.isRevoked('t')).toBe(true);
    expect(pool.calls).toBe(2);
    await path.close();
  });

  it('keeps asking after an error the server itself raised (a statement error, not an outage)', async () => {
    const pool = fakePool(() => Object.assign(new Error('duplicate key'), { code: '23505' }));
    const path = new PostgresTokenPath(pool, 10_000);
    await expect(path.isRevoked('t')).rejects.toThrow('duplicate key');
    await expect(path.isRevoked('t')).rejects.toThrow('duplicate key');
    expect(pool.calls).toBe(2);
    await path.close();
  });

  it('treats a server shutting down (SQLSTATE 57P01) as unreachable', async () => {
    const pool = fakePool(() => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    const path = new PostgresTokenPath(pool, 10_000);
    await expect(path.isRevoked('t')).rejects.toThrow('administrator command');
    await expect(path.isRevoked('t')).rejects.toBeInstanceOf(PostgresUnavailableError);
    expect(pool.calls).toBe(1);
    await path.close();
  });
});
