/**
 * Stream keys and playback secrets at rest (issue 8), per dialect: what the database row holds after the store
 * wrote it (sealed, never the key; the key's SHA-256 for lookups), and the way from rows written before
 * sealing (clear, no hash): still found by their key, then sealed by `reseal`. The dialect test files supply
 * the raw access the Store interface does not give.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { KeyVault } from '../../src/auth/key-vault.ts';
import type { Store } from '../../src/storage/repositories.ts';
import { uid } from './store.fixtures.ts';

export interface RawChannels {
  /** The local_channels row as stored. */
  row(id: string): Promise<Record<string, unknown> | undefined>;
  /** Writes a row as a version before sealing did: clear key and secret, no hash. */
  insertClear(c: { id: string; streamKey: string; secret: string; createdAt: number }): Promise<void>;
}

export type SealedStoreFactory = (
  vault: KeyVault,
) => Promise<{ store: Store; raw: RawChannels; cleanup(): Promise<void> }>;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const newKey = () => randomBytes(24).toString('base64url');

export function sealedChannelsConformance(open: SealedStoreFactory): void {
  const it = (name: string, fn: (store: Store, raw: RawChannels) => Promise<void>) =>
    void test(name, async () => {
      const { store, raw, cleanup } = await open(new KeyVault(randomBytes(32)));
      try {
        await fn(store, raw);
      } finally {
        await cleanup();
      }
    });

  describe('stream keys at rest', () => {
    it('the row holds the stream key and playback secret sealed, and the key only as its hash', async (store, raw) => {
      const c = {
        id: uid('lc'),
        streamKey: newKey(),
        secret: randomBytes(32).toString('base64url'),
        createdAt: 1_700_000_000_000,
        revokedAt: null,
        seenAt: null,
      };
      await store.localChannels.create(c);
      const row = (await raw.row(c.id)) ?? assert.fail('no row');
      const stored = JSON.stringify(row);
      assert.ok(!stored.includes(c.streamKey), `the row holds the stream key: ${stored}`);
      assert.ok(!stored.includes(c.secret), `the row holds the playback secret: ${stored}`);
      assert.match(String(row.stream_key), /^enc:v1:/);
      assert.match(String(row.secret), /^enc:v1:/);
      assert.equal(row.stream_key_hash, sha256(c.streamKey));
      // Callers see clear values, and a publish finds its channel.
      assert.deepEqual(await store.localChannels.byId(c.id), c);
      assert.deepEqual(await store.localChannels.byStreamKey(c.streamKey), c);
      // A rotated key is sealed too; the old one no longer finds the channel.
      const next = newKey();
      assert.equal(await store.localChannels.setKey(c.id, next), true);
      const rotated = (await raw.row(c.id)) ?? assert.fail('no row');
      assert.ok(!JSON.stringify(rotated).includes(next));
      assert.equal(rotated.stream_key_hash, sha256(next));
      assert.equal(await store.localChannels.byStreamKey(c.streamKey), undefined);
      assert.equal((await store.localChannels.byStreamKey(next))?.streamKey, next);
      // Nothing to re-seal in rows the store wrote itself.
      assert.equal(await store.localChannels.reseal(), 0);
      // Revoked: neither the key nor its hash stays.
      await store.localChannels.revoke(c.id, 5);
      const revoked = (await raw.row(c.id)) ?? assert.fail('no row');
      assert.deepEqual([revoked.stream_key, revoked.stream_key_hash], [null, null]);
    });

    it('rows stored in clear before sealing are still found by their key, and reseal seals them', async (store, raw) => {
      const old = { id: uid('lc'), streamKey: newKey(), secret: randomBytes(32).toString('base64url') };
      await raw.insertClear({ ...old, createdAt: 1_600_000_000_000 });
      // A process of the previous version wrote it: no hash, clear values, and it still works.
      assert.equal((await store.localChannels.byStreamKey(old.streamKey))?.id, old.id);
      assert.equal((await store.localChannels.byId(old.id))?.secret, old.secret);
      assert.equal(await store.localChannels.reseal(), 1);
      const row = (await raw.row(old.id)) ?? assert.fail('no row');
      assert.ok(!JSON.stringify(row).includes(old.streamKey));
      assert.ok(!JSON.stringify(row).includes(old.secret));
      assert.equal(row.stream_key_hash, sha256(old.streamKey));
      const found = await store.localChannels.byStreamKey(old.streamKey);
      assert.deepEqual([found?.id, found?.streamKey, found?.secret], [old.id, old.streamKey, old.secret]);
      assert.equal(await store.localChannels.reseal(), 0, 'resealing twice changes nothing');
    });
  });
}
