/** LoginRecorder + LoginHistoryReader contract: every row written is durable and readable, newest first. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BACKENDS, twoInstancesOf } from './backends.js';
import { aLoginEvent } from './fixtures.js';

describe.each(BACKENDS)('LoginRecorder and LoginHistoryReader on $name', (backend) => {
  const suite = twoInstancesOf(backend);

  it('reads back what was recorded, field for field, once record() resolves', async () => {
    const event = aLoginEvent({
      appId: 'app-1',
      appName: `erp-${randomUUID()}`,
      userId: 'user-1',
      outcome: 'failure',
      errorCode: 'invalid_grant',
      reason: 'jti_replayed',
      certificateFingerprint: 'ab'.repeat(32),
      jtiHash: 'cd'.repeat(32),
      scope: null,
      at: new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 678)),
    });
    await suite.one.ledger.record(event);
    const { events, total } = await suite.two.admin.queryLoginHistory({ appName: event.appName! });
    expect(total).toBe(1);
    expect(events).toEqual([event]);
  });

  it('keeps the scope a successful request was granted', async () => {
    const event = aLoginEvent({ appName: `scoped-${randomUUID()}`, scope: 'api refresh_token web' });
    await suite.one.ledger.record(event);
    const { events } = await suite.two.admin.queryLoginHistory({ appName: event.appName! });
    expect(events.map((e) => e.scope)).toEqual(['api refresh_token web']);
  });

  it('keeps every row of many concurrent records from two instances', async () => {
    const appName = `burst-${randomUUID()}`;
    const base = Date.now();
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? suite.one : suite.two).ledger.record(aLoginEvent({ appName, at: new Date(base + i) }))),
    );
    const { events, total } = await suite.one.admin.queryLoginHistory({ appName, limit: 100 });
    expect(total).toBe(60);
    expect(events.map((e) => e.at.getTime())).toEqual(Array.from({ length: 60 }, (_, i) => base + 59 - i));
  });

  it('filters by outcome, grant, username and time, and pages', async () => {
    const appName = `filter-${randomUUID()}`;
    const t0 = Date.UTC(2031, 5, 1);
    await suite.one.ledger.record(aLoginEvent({ appName, at: new Date(t0), outcome: 'success', grant: 'jwt-bearer', username: 'a@x' }));
    await suite.one.ledger.record(aLoginEvent({ appName, at: new Date(t0 + 1000), outcome: 'failure', errorCode: 'invalid_grant', reason: 'x', grant: 'password', username: 'b@x' }));
    await suite.one.ledger.record(aLoginEvent({ appName, at: new Date(t0 + 2000), outcome: 'success', grant: 'client-credentials', username: 'a@x' }));
    expect((await suite.one.admin.queryLoginHistory({ appName, outcome: 'failure' })).total).toBe(1);
    expect((await suite.one.admin.queryLoginHistory({ appName, grant: 'client-credentials' })).total).toBe(1);
    expect((await suite.one.admin.queryLoginHistory({ appName, username: 'a@x' })).total).toBe(2);
    expect((await suite.one.admin.queryLoginHistory({ appName, since: new Date(t0 + 1000) })).total).toBe(2);
    expect((await suite.one.admin.queryLoginHistory({ appName, until: new Date(t0 + 1000) })).total).toBe(1);
    const page = await suite.one.admin.queryLoginHistory({ appName, limit: 1, offset: 1 });
    expect(page.total).toBe(3);
    expect(page.events.map((e) => e.at.getTime())).toEqual([t0 + 1000]);
  });
});
