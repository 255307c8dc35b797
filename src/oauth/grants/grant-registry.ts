import type { Grant } from './grant.js';

/** Grants by `grant_type`; the token endpoint dispatches through this map alone. */
export type GrantRegistry = ReadonlyMap<string, Grant<unknown>>;

/** `validate` and `issue` are methods, so any `Grant<V>` is a `Grant<unknown>` here. */
export function createGrantRegistry(grants: readonly Grant<unknown>[]): GrantRegistry {
  return new Map(grants.map((g) => [g.grantType, g]));
}
