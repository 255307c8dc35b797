import type { Grant } from './grant.js';

/** Grants by `grant_type`; the token endpoint dispatches through this map alone. */
export type GrantRegistry = ReadonlyMap<string, Grant>;

/** `validate` and `issue` are methods, so any `Grant<V>` is a `Grant` here. */
export function createGrantRegistry(grants: readonly Grant[]): GrantRegistry {
  return new Map(grants.map((g) => [g.grantType, g]));
}
