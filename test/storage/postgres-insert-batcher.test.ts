/**
 * Group commit on PostgreSQL: one batch in flight at a time, and the rows that arrive while it
 * commits leave together as the next one (decision 0003). `write` stands for the statement;
 * the test controls when each one "commits".
 */
import { describe, expect, it } from 'vitest';
import { InsertBatcher } from '../../src/storage/postgres/insert-batcher.js';

/** A statement per call, each settled by the test: `commit(n)` finishes the n-th one. */
function statements() {
  const sent: { items: readonly number[]; finish: (error?: Error) => void }[] = [];
  const write = (items: readonly number[]) =>
    new Promise<string[]>((resolve, reject) => {
      sent.push({ items, finish: (error) => (error ? reject(error) : resolve(items.map((i) => `row ${i}`))) });
    });
  return { sent, write };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('InsertBatcher', () => {
  it('sends the rows of one event-loop turn as one statement and gives each caller its own result', async () => {
    const { sent, write } = statements();
    const batcher = new InsertBatcher(write);
    const results = [1, 2, 3].map((i) => batcher.enqueue(i));
    await nextTurn();
    expect(sent.map((s) => s.items)).toEqual([[1, 2, 3]]);
    sent[0]!.finish();
    expect(await Promise.all(results)).toEqual(['row 1', 'row 2', 'row 3']);
  });

  it('holds the rows that arrive while a statement is in flight and sends them together once it commits', async () => {
    const { sent, write } = statements();
    const batcher = new InsertBatcher(write);
    const first = batcher.enqueue(1);
    await nextTurn();
    const later = [2, 3, 4].map((i) => batcher.enqueue(i));
    await nextTurn();
    await nextTurn();
    await nextTurn();
    expect(sent.map((s) => s.items)).toEqual([[1]]);
    sent[0]!.finish();
    expect(await first).toBe('row 1');
    await nextTurn();
    expect(sent.map((s) => s.items)).toEqual([[1], [2, 3, 4]]);
    sent[1]!.finish();
    expect(await Promise.all(later)).toEqual(['row 2', 'row 3', 'row 4']);
  });

  it('sends a full batch at once, even while another statement is in flight', async () => {
    const { sent, write } = statements();
    const batcher = new InsertBatcher(write, 2);
    const first = batcher.enqueue(1);
    await nextTurn();
    const full = [batcher.enqueue(2), batcher.enqueue(3)];
    expect(sent.map((s) => s.items)).toEqual([[1], [2, 3]]);
    sent[1]!.finish();
    sent[0]!.finish();
    expect(await Promise.all([first, ...full])).toEqual(['row 1', 'row 2', 'row 3']);
  });

  it('rejects every caller of a failed statement, and the next rows still go', async () => {
    const { sent, write } = statements();
    const batcher = new InsertBatcher(write);
    const failed = [batcher.enqueue(1), batcher.enqueue(2)];
    await nextTurn();
    const after = batcher.enqueue(3);
    sent[0]!.finish(new Error('connection reset'));
    for (const p of failed) await expect(p).rejects.toThrow('connection reset');
    await nextTurn();
    expect(sent.map((s) => s.items)).toEqual([[1, 2], [3]]);
    sent[1]!.finish();
    expect(await after).toBe('row 3');
  });

  it('close sends what is queued, waits for it to commit, and refuses new rows', async () => {
    const { sent, write } = statements();
    const batcher = new InsertBatcher(write);
    const first = batcher.enqueue(1);
    await nextTurn();
    const queued = batcher.enqueue(2);
    const closing = batcher.close();
    await expect(batcher.enqueue(3)).rejects.toThrow('the store is closed');
    sent[0]!.finish();
    await nextTurn();
    expect(sent.map((s) => s.items)).toEqual([[1], [2]]);
    sent[1]!.finish();
    await closing;
    expect(await Promise.all([first, queued])).toEqual(['row 1', 'row 2']);
  });
});
