/**
 * `serve --workers`: the primary deals connections to the workers in turn, so a burst of
 * long-lived connections is split evenly (node:cluster's round robin let one worker take
 * 31 of 32). Real processes, real sockets passed over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionDealer, isReadyMessage } from '../../src/cli/connection-handoff.js';

const WORKER = join(import.meta.dirname, '../fixtures/handoff/worker.ts');

function startWorker(): Promise<ChildProcess> {
  const child = fork(WORKER, { execArgv: ['--import', 'tsx'], stdio: 'ignore' });
  return new Promise((ready, fail) => {
    child.once('exit', (code) => fail(new Error(`worker exited with ${code}`)));
    child.on('message', (message) => {
      if (isReadyMessage(message)) ready(child);
    });
  });
}

/** One request on a connection of its own; resolves to the pid of the process that answered. */
function whoAnswers(port: number, agent: Agent): Promise<string> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done(body));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', fail);
    req.end();
  });
}

const count = (pids: string[]) => pids.reduce<Record<string, number>>((n, pid) => ({ ...n, [pid]: (n[pid] ?? 0) + 1 }), {});

describe('ConnectionDealer', () => {
  let workers: ChildProcess[] = [];
  let server: Server | null = null;
  afterEach(async () => {
    server?.close();
    for (const w of workers) w.kill();
    workers = [];
  });

  it('splits 16 connections opened at once evenly over two workers, and each keeps its own', async () => {
    workers = await Promise.all([startWorker(), startWorker()]);
    const dealer = new ConnectionDealer<ChildProcess>();
    for (const w of workers) dealer.add(w);
    server = await dealer.listen('127.0.0.1', 0);
    const port = (server.address() as { port: number }).port;
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const first = await Promise.all(Array.from({ length: 16 }, () => whoAnswers(port, agent)));
    expect(Object.values(count(first))).toEqual([8, 8]);
    expect(Object.keys(count(first)).sort()).toEqual(workers.map((w) => String(w.pid)).sort());
    // The same 16 connections again: each stays with the worker that took it.
    const again = await Promise.all(Array.from({ length: 16 }, () => whoAnswers(port, agent)));
    expect(count(again)).toEqual(count(first));
    agent.destroy();
  });

  it('passes over a worker that has gone and serves every connection with the one left', async () => {
    workers = await Promise.all([startWorker(), startWorker()]);
    const [gone, left] = workers as [ChildProcess, ChildProcess];
    const dealer = new ConnectionDealer<ChildProcess>();
    dealer.add(gone);
    dealer.add(left);
    server = await dealer.listen('127.0.0.1', 0);
    const port = (server.address() as { port: number }).port;
    await new Promise((exited) => {
      gone.once('exit', exited);
      gone.kill();
    });
    const agent = new Agent({ keepAlive: false });
    const answers = await Promise.all(Array.from({ length: 6 }, () => whoAnswers(port, agent)));
    expect(count(answers)).toEqual({ [String(left.pid)]: 6 });
    expect(dealer.size).toBe(1);
  });

  it('closes a connection when no worker is left to take it', async () => {
    const dealer = new ConnectionDealer<ChildProcess>();
    server = await dealer.listen('127.0.0.1', 0);
    const port = (server.address() as { port: number }).port;
    await expect(whoAnswers(port, new Agent({ keepAlive: false }))).rejects.toThrow(/socket hang up|ECONNRESET/);
  });
});
