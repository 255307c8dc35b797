/**
 * The client's source of "now". Keygate's own `Clock` (and any object with `now(): Date`) fits,
 * so tests can freeze and move time.
 */
export interface ClientClock {
  now(): Date;
}

export const systemClientClock: ClientClock = { now: () => new Date() };
