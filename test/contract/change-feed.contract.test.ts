/** ChangeFeed contract: an announcement made by one instance reaches the others within one second. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedStores } from '../../src/storage/open-stores.js';
import { BACKENDS, eventually, type BackendRun } from './backends.js';

describe.each(BACKENDS)('ChangeFeed on $name', (backend) => {
  let run: BackendRun;
  let one: OpenedStores;
  let two: OpenedStores;
  let three: OpenedStores;
  const heard = { one: 0, two: 0, three: 0 };
  beforeAll(async () => {
    run = await backend.start();
    one = await run.open();
    two = await run.open();
    three = await run.open();
    one.changes.subscribe(() => (heard.one += 1));
    two.changes.subscribe(() => (heard.two += 1));
    three.changes.subscribe(() => (heard.three += 1));
  });
  afterAll(() => run?.dispose());

  it('delivers a change announced by one instance to every other within one second, not back to itself', async () => {
    const before = { ...heard };
    await one.changes.publish();
    await eventually(() => heard.two > before.two && heard.three > before.three, 1000);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard.one).toBe(before.one);
  });

  it('keeps delivering after many announcements', async () => {
    const before = heard.one;
    for (let i = 0; i < 5; i += 1) await two.changes.publish();
    await eventually(() => heard.one >= before + 1, 1000);
  });
});
