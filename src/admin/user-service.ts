/** Org users: integration users, run-as users and administrators. */
import { isDeepStrictEqual } from 'node:util';
import { usernameKey, type User } from '../domain/user.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import { hashSecret } from '../platform/secrets.js';
import { AdminError } from './admin-errors.js';
import { CreateUserInput, UpdateUserInput, parseInput } from './inputs.js';
import type { AdminStore, ChangeNotifier } from './ports.js';

export type UserRef = { id: string } | { username: string };

export interface UserServiceDeps {
  readonly store: AdminStore;
  readonly clock: Clock;
  readonly notifier: ChangeNotifier;
}

function describeRef(ref: UserRef): string {
  return 'id' in ref ? `id ${ref.id}` : `username "${ref.username}"`;
}

export class UserService {
  constructor(private readonly deps: UserServiceDeps) {}

  list(): Promise<User[]> {
    return this.deps.store.listUsers();
  }

  async get(ref: UserRef): Promise<User> {
    const user = await this.deps.store.findUser(ref);
    if (!user) throw new AdminError('not_found', `no user with ${describeRef(ref)}`);
    return user;
  }

  async create(input: CreateUserInput): Promise<User> {
    const data = parseInput(CreateUserInput, input);
    const user: User = {
      id: newId('005'),
      username: data.username,
      email: data.email ?? data.username,
      profile: data.profile,
      permissionSets: data.permissionSets,
      permissions: data.permissions,
      active: data.active,
      locked: data.locked,
      loginIpRanges: data.loginIpRanges,
      approvedApps: data.approvedApps,
      passwordHash: data.password ? await hashSecret(data.password) : null,
      totpSecret: null,
      tokensRevokedAt: null,
    };
    await this.deps.store.transaction(async (store) => {
      // Usernames are unique regardless of letter case; every user is compared, since two that
      // clashed before that rule (migration 0008) are not found by another spelling.
      const taken = (await store.listUsers()).find((u) => usernameKey(u.username) === usernameKey(user.username));
      if (taken) {
        const asIs = taken.username === user.username ? '' : ` as "${taken.username}" (usernames do not differ by letter case)`;
        throw new AdminError('conflict', `a user named "${user.username}" already exists${asIs}`, 'username');
      }
      // Users are found by id or username: a username that is another user's id would name both.
      if (await store.findUser({ id: user.username })) throw new AdminError('conflict', 'that username is another user\'s id', 'username');
      await store.insertUser(user);
    });
    await this.deps.notifier.changed();
    return user;
  }

  async update(ref: UserRef, input: UpdateUserInput): Promise<User> {
    const { password, ...data } = parseInput(UpdateUserInput, input);
    const passwordHash = password ? await hashSecret(password) : undefined;
    const now = this.deps.clock.now();
    return this.#write(ref, (user) => {
      const next = { ...user, ...data, ...(passwordHash && { passwordHash }) };
      // Suspending the user ends every token issued so far, for good (see User.tokensRevokedAt).
      const suspended = (user.active && !next.active) || (!user.locked && next.locked);
      return suspended ? { ...next, tokensRevokedAt: now } : next;
    });
  }

  /** Sets or clears the TOTP secret that console sign-in then asks for. */
  setTotpSecret(ref: UserRef, secret: string | null): Promise<User> {
    return this.#write(ref, (user) => ({ ...user, totpSecret: secret }));
  }

  /**
   * Deletes a user, unless an app runs its Client Credentials flow as them: that app would be
   * left naming nobody, and its next token request would fail. Change the app's run-as user
   * first.
   */
  async delete(ref: UserRef): Promise<void> {
    await this.deps.store.transaction(async (store) => {
      const user = await store.findUser(ref);
      if (!user) throw new AdminError('not_found', `no user with ${describeRef(ref)}`);
      const runBy: string[] = [];
      for (const app of await store.listApps()) {
        if (app.clientCredentialsRunAs !== null && (await store.findUser({ username: app.clientCredentialsRunAs }))?.id === user.id) runBy.push(app.name);
      }
      if (runBy.length > 0) {
        throw new AdminError('conflict', `the Client Credentials flow of ${runBy.map((name) => `"${name}"`).join(', ')} runs as this user: give it another run-as user first`);
      }
      await store.deleteUser(user.id);
    });
    await this.deps.notifier.changed();
  }

  async #write(ref: UserRef, change: (user: User) => User): Promise<User> {
    const { next, changed } = await this.deps.store.transaction(async (store) => {
      const user = await store.findUser(ref);
      if (!user) throw new AdminError('not_found', `no user with ${describeRef(ref)}`);
      const updated = change(user);
      // A write that changes nothing is not made, nor announced.
      if (isDeepStrictEqual(updated, user)) return { next: user, changed: false };
      await store.updateUser(updated);
      return { next: updated, changed: true };
    });
    if (changed) await this.deps.notifier.changed();
    return next;
  }
}
