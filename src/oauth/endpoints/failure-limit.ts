/**
 * The failure limit of the endpoints that authenticate clients (token, introspection,
 * revocation), against the guessing RFC 6749 §10.10 warns of and against floods of assertions
 * that each cost a signature check. Once `maxFailures` requests from one client address for one
 * client have been refused (400 or 401) in a window of `windowSeconds`, that pair gets 429
 * `temporarily_unavailable` with `Retry-After` until the window ends, before any work is done.
 *
 * The pair: the network the address stands for ({@link clientNetworkOf}: an IPv4 address under
 * any IPv4-mapped spelling is one address, and an IPv6 address counts with its /64, which one
 * host can fill with addresses at will), and the app the request names, if it is one Keygate
 * knows. Requests that name no known app share their network's count, so inventing client ids
 * buys nothing. Counting per app keeps one broken integration, retrying with an expired
 * certificate, from blocking the others behind the same egress address; and someone guessing
 * from another network cannot block a real integration at all.
 *
 * The count is shared through the store, so the limit holds however a load balancer spreads
 * the requests; the decision to refuse is kept in memory, so a served request from a network
 * with no block costs a map lookup and nothing else. Each process learns of a block at its own
 * next refusal, so a pair gets up to `maxFailures` plus one per further process, plus whatever
 * it already had in flight: a request is checked as it arrives.
 */
import type { Logger } from 'pino';
import type { LoginGrant } from '../../domain/login-event.js';
import { clientNetworkOf } from '../../platform/cidr.js';
import type { Clock } from '../../platform/clock.js';
import { newEventId } from '../../platform/ids.js';
import { readBasicCredentials } from '../client-auth/client-secret.js';
import { TooManyFailuresError } from '../errors/oauth-error.js';
import { parseCompactJws } from '../jws/parse-compact-jws.js';
import type { FailureCounter, LoginRecorder } from '../ports.js';
import { errorResponse, type EndpointRequest, type EndpointResponse } from './endpoint-response.js';

export interface FailureLimitOptions {
  /** Refused requests one address may make per window; 0 turns the limit off. */
  readonly maxFailures: number;
  readonly windowSeconds: number;
}

type Endpoint = (req: EndpointRequest) => Promise<EndpointResponse>;

/** The app a consumer key names, if Keygate knows one. */
export type FindClient = (consumerKey: string) => { readonly id: string; readonly name: string } | undefined;

export interface FailureLimitDeps {
  readonly counter: FailureCounter;
  readonly findClient: FindClient;
  /** Where the start of each block is recorded, one row per block and process. */
  readonly history: LoginRecorder;
  readonly clock: Clock;
  readonly log: Logger;
}

/** The count of requests that name no known app: unknown ids, none at all, console sign-ins. */
const NO_CLIENT = '';

/** Blocked addresses kept before the expired ones are swept out. */
const SWEEP_ABOVE = 10_000;

export class FailureLimit {
  /** Network → client → the epoch second its block ends. */
  readonly #blockedUntil = new Map<string, Map<string, number>>();
  #blocks = 0;

  constructor(
    private readonly options: FailureLimitOptions,
    private readonly deps: FailureLimitDeps,
  ) {}

  /** Wraps an endpoint: a blocked pair is refused at once, and each refusal is counted. */
  guard(endpoint: Endpoint): Endpoint {
    if (this.options.maxFailures === 0) return endpoint;
    return async (req) => {
      const network = clientNetworkOf(req.clientAddress);
      const wait = this.#blockedUntil.has(network) ? this.#retryAfter(network, this.#claimedClient(req)) : 0;
      if (wait > 0) return errorResponse(new TooManyFailuresError(wait), this.deps.log);
      const response = await endpoint(req);
      if (response.status === 400 || response.status === 401) await this.#countFailure(req.clientAddress, network, this.#claimedClient(req), 'unknown');
      return response;
    };
  }

  /** Seconds until requests from `address` that name no known app may be served again; 0 when they may now. */
  retryAfter(address: string): number {
    return this.#retryAfter(clientNetworkOf(address), NO_CLIENT);
  }

  /**
   * Counts one refused request from `address` that names no app, and blocks once the count
   * reaches the limit. For callers outside {@link guard}: the console's sign-in.
   */
  async countFailure(address: string): Promise<void> {
    if (this.options.maxFailures === 0) return;
    await this.#countFailure(address, clientNetworkOf(address), NO_CLIENT, 'console');
  }

  /**
   * The known app a request names, unverified, by the first of: Basic credentials, a client
   * assertion's `iss`, `client_id`, a JWT Bearer assertion's `iss`.
   */
  #claimedClient(req: EndpointRequest): string {
    const params = new URLSearchParams(req.body);
    const candidates = [basicUser(req.authorization), issuerOf(params.get('client_assertion')), params.get('client_id'), issuerOf(params.get('assertion'))];
    return candidates.find((id): id is string => id !== null && this.deps.findClient(id) !== undefined) ?? NO_CLIENT;
  }

  #retryAfter(network: string, client: string): number {
    const blocks = this.#blockedUntil.get(network);
    const until = blocks?.get(client);
    if (blocks === undefined || until === undefined) return 0;
    const now = this.deps.clock.epochSeconds();
    if (until > now) return until - now;
    this.#unblock(network, blocks, client);
    return 0;
  }

  async #countFailure(address: string, network: string, client: string, grant: LoginGrant): Promise<void> {
    const { counter, log } = this.deps;
    const now = this.deps.clock.epochSeconds();
    const start = now - (now % this.options.windowSeconds);
    const end = start + this.options.windowSeconds;
    const subject = client === NO_CLIENT ? network : `${network} ${client}`;
    let failures: number;
    try {
      failures = await counter.addFailure(subject, start, end);
    } catch (err) {
      // The refusal stands as it is; a count that could not be kept only delays a block.
      log.warn({ err, clientAddress: network }, 'a refused request could not be counted');
      return;
    }
    const blocks = this.#blockedUntil.get(network) ?? new Map<string, number>();
    if (failures < this.options.maxFailures || blocks.has(client)) return;
    if (this.#blocks >= SWEEP_ABOVE) this.#sweep(now);
    blocks.set(client, end);
    this.#blockedUntil.set(network, blocks);
    this.#blocks += 1;
    log.warn(
      { clientAddress: network, clientId: client || undefined, failures, windowSeconds: this.options.windowSeconds, retryAfterSeconds: end - now },
      'client address refused too often; answering 429 until its window ends',
    );
    await this.#recordBlock(address, client, grant);
  }

  /**
   * One login-history row for the block, where the refusals that led to it are: what it refuses
   * from now on is not written, or a flood would fill the history.
   */
  async #recordBlock(address: string, client: string, grant: LoginGrant): Promise<void> {
    const app = client === NO_CLIENT ? undefined : this.deps.findClient(client);
    const { code, reason } = new TooManyFailuresError(0);
    try {
      await this.deps.history.record({
        id: newEventId(),
        at: this.deps.clock.now(),
        appId: app?.id ?? null,
        appName: app?.name ?? null,
        userId: null,
        username: null,
        grant,
        credential: 'none',
        clientAddress: address,
        outcome: 'failure',
        errorCode: code,
        reason,
        certificateFingerprint: null,
        jtiHash: null,
        scope: null,
      });
    } catch (err) {
      // The block holds without its row; the warning above already names it.
      this.deps.log.warn({ err, clientAddress: address }, 'the start of a block could not be written to the login history');
    }
  }

  #unblock(network: string, blocks: Map<string, number>, client: string): void {
    if (blocks.delete(client)) this.#blocks -= 1;
    if (blocks.size === 0) this.#blockedUntil.delete(network);
  }

  #sweep(now: number): void {
    for (const [network, blocks] of this.#blockedUntil) {
      for (const [client, until] of blocks) if (until <= now) this.#unblock(network, blocks, client);
    }
  }
}

function basicUser(authorization: string | undefined): string | null {
  if (authorization?.toLowerCase().startsWith('basic ') !== true) return null;
  try {
    return readBasicCredentials(authorization).clientId;
  } catch {
    return null;
  }
}

function issuerOf(jwt: string | null): string | null {
  if (jwt === null) return null;
  try {
    const { iss } = parseCompactJws(jwt, 65_536).payload;
    return typeof iss === 'string' ? iss : null;
  } catch {
    return null;
  }
}
