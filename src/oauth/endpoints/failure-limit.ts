/**
 * The failure limit of the endpoints that authenticate clients (token, introspection,
 * revocation), against the guessing RFC 6749 §10.10 warns of and against floods of assertions
 * that each cost a signature check. Once `maxFailures` requests from one client address have
 * been refused (400 or 401) in a window of `windowSeconds`, that address gets 429
 * `temporarily_unavailable` with `Retry-After` until the window ends, before any work is done.
 *
 * The count is shared through the store, so the limit holds however a load balancer spreads
 * the requests; the decision to refuse is kept in memory, so a served request costs a map
 * lookup and nothing else. An address is counted as the network it stands for
 * ({@link clientNetworkOf}): an IPv4 address under any IPv4-mapped spelling is one address,
 * and an IPv6 address counts with its /64, which one host can fill with addresses at will.
 * Each process learns of a block at its own next refusal, so an address gets up to
 * `maxFailures` plus one per further process, plus whatever it already had in flight: a
 * request is checked as it arrives. Clients at other addresses are never affected: the limit
 * follows the address, never the client id, so a guesser cannot lock a real integration out.
 */
import type { Logger } from 'pino';
import { clientNetworkOf } from '../../platform/cidr.js';
import type { Clock } from '../../platform/clock.js';
import { TooManyFailuresError } from '../errors/oauth-error.js';
import type { FailureCounter } from '../ports.js';
import { errorResponse, type EndpointRequest, type EndpointResponse } from './endpoint-response.js';

export interface FailureLimitOptions {
  /** Refused requests one address may make per window; 0 turns the limit off. */
  readonly maxFailures: number;
  readonly windowSeconds: number;
}

type Endpoint = (req: EndpointRequest) => Promise<EndpointResponse>;

/** Blocked addresses kept before the expired ones are swept out. */
const SWEEP_ABOVE = 10_000;

export class FailureLimit {
  /** Address → the epoch second its block ends. */
  readonly #blockedUntil = new Map<string, number>();

  constructor(
    private readonly counter: FailureCounter,
    private readonly options: FailureLimitOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Wraps an endpoint: a blocked address is refused at once, and each refusal is counted. */
  guard(endpoint: Endpoint): Endpoint {
    if (this.options.maxFailures === 0) return endpoint;
    return async (req) => {
      const wait = this.retryAfter(req.clientAddress);
      if (wait > 0) return errorResponse(new TooManyFailuresError(wait), this.log);
      const response = await endpoint(req);
      if (response.status === 400 || response.status === 401) await this.countFailure(req.clientAddress);
      return response;
    };
  }

  /** Seconds until `address` may be served again; 0 when it may be now. */
  retryAfter(address: string): number {
    const network = clientNetworkOf(address);
    const until = this.#blockedUntil.get(network);
    if (until === undefined) return 0;
    const now = this.clock.epochSeconds();
    if (until > now) return until - now;
    this.#blockedUntil.delete(network);
    return 0;
  }

  /**
   * Counts one refused request from `address`, and blocks it once the count reaches the limit.
   * For callers outside {@link guard}: the console's sign-in shares the count.
   */
  async countFailure(address: string): Promise<void> {
    if (this.options.maxFailures === 0) return;
    await this.#countFailure(clientNetworkOf(address));
  }

  async #countFailure(address: string): Promise<void> {
    const now = this.clock.epochSeconds();
    const start = now - (now % this.options.windowSeconds);
    const end = start + this.options.windowSeconds;
    let failures: number;
    try {
      failures = await this.counter.addFailure(address, start, end);
    } catch (err) {
      // The refusal stands as it is; a count that could not be kept only delays a block.
      this.log.warn({ err, clientAddress: address }, 'a refused request could not be counted');
      return;
    }
    if (failures < this.options.maxFailures || this.#blockedUntil.has(address)) return;
    if (this.#blockedUntil.size >= SWEEP_ABOVE) this.#sweep(now);
    this.#blockedUntil.set(address, end);
    this.log.warn({ clientAddress: address, failures, windowSeconds: this.options.windowSeconds, retryAfterSeconds: end - now }, 'client address refused too often; answering 429 until its window ends');
  }

  #sweep(now: number): void {
    for (const [address, until] of this.#blockedUntil) if (until <= now) this.#blockedUntil.delete(address);
  }
}
