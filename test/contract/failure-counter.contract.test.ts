/**
 * FailureCounter contract, on every backend: one count per subject and window, shared by the
 * instances on one store, exact under concurrency, and forgotten once the window has passed.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BACKENDS, twoInstancesOf } from './backends.js';

const window = () => {
  const start = Math.floor(Date.now() / 1000);
  return { start, end: start + 60 };
};

describe.each(BACKENDS)('FailureCounter on $name', (backend) => {
  const suite = twoInstancesOf(backend);

  it('counts each failure of a subject in its window, starting at 1', async () => {
    const subject = `198.51.100.${randomUUID()}`;
    const { start, end } = window();
    expect(await suite.one.failures.addFailure(subject, start, end)).toBe(1);
    expect(await suite.one.failures.addFailure(subject, start, end)).toBe(2);
    expect(await suite.one.failures.addFailure(subject, start, end)).toBe(3);
  });

  it('keeps subjects and windows apart', async () => {
    const subject = randomUUID();
    const { start, end } = window();
    await suite.one.failures.addFailure(subject, start, end);
    expect(await suite.one.failures.addFailure(randomUUID(), start, end)).toBe(1);
    expect(await suite.one.failures.addFailure(subject, start + 60, end + 60)).toBe(1);
  });

  it('two instances add to one count', async () => {
    const subject = randomUUID();
    const { start, end } = window();
    expect(await suite.one.failures.addFailure(subject, start, end)).toBe(1);
    expect(await suite.two.failures.addFailure(subject, start, end)).toBe(2);
    expect(await suite.one.failures.addFailure(subject, start, end)).toBe(3);
  });

  it('of 40 concurrent failures split across two instances, each gets its own count, 1 to 40', async () => {
    const subject = randomUUID();
    const { start, end } = window();
    const counts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? suite.one : suite.two).failures.addFailure(subject, start, end)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});
