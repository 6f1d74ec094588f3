/** Users written straight to a store for tests that do not go through sign-up (no password to check). */
import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/storage/repositories.ts';

let n = 0;

export interface StoredUser {
  id: string;
  name: string;
  displayName: string;
  admin: boolean;
}

/** A new user named `${prefix}<n>x<pid>`, unique within the test process. */
export async function insertUser(
  store: Store,
  opts: { prefix: string; admin?: boolean },
): Promise<StoredUser> {
  const k = ++n;
  const user = {
    id: randomUUID(),
    name: `${opts.prefix}${k}x${process.pid % 1000}`,
    displayName: `User ${k}`,
    admin: opts.admin ?? false,
  };
  await store.users.create({
    ...user,
    nameKey: user.name,
    passwordHash: 'not-a-real-hash',
    creator: false,
    createdAt: Date.now(),
  });
  return user;
}
