/** The per-request logger is built on first use, with the request's bindings. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyRequestLogger } from '../../src/http/lazy-request-logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('lazyRequestLogger', () => {
  it('builds no child logger for a request that logs nothing', () => {
    const { logger } = capture();
    let children = 0;
    const counting = Object.assign(Object.create(logger), { child: (...args: Parameters<typeof logger.child>) => (children++, logger.child(...args)) });
    const log = lazyRequestLogger(counting, { reqId: 'req-1' }, {});
    expect(children).toBe(0);
    log.error('boom');
    log.warn('again');
    expect(children).toBe(1);
  });

  it('logs with the request id and the parent level', async () => {
    const { logger, lines } = capture();
    const log = lazyRequestLogger(logger, { reqId: 'req-7' }, {});
    log.info({ url: '/x' }, 'hello');
    log.debug('below the level');
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reqId: 'req-7', url: '/x', msg: 'hello', level: 30 });
    expect(log.level).toBe('info');
    expect(log.child({ more: 1 }).level).toBe('info');
  });
});
