/**
 * Secrets at rest (issue 8): the private signing keys are stored sealed with AES-256-GCM under a key-encryption
 * key (KEK) from configuration (`LIGHTSTICK_KEY_ENCRYPTION_KEY` or `..._FILE`), so one read of the database no
 * longer gives the power to forge tokens. The row's id is the additional data, so a sealed value cannot be
 * moved to another row. Stored form: `enc:v1:<kek id>:<iv>:<tag>:<ciphertext>` (base64url), where the KEK id is
 * the first 8 bytes of its SHA-256, so several KEKs can be told apart during a KEK rotation: the current one
 * seals, the previous ones (`LIGHTSTICK_KEY_ENCRYPTION_KEYS_PREVIOUS`) only open, and `TokenService.init`
 * re-seals every key under the current one at start.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const ALG = 'aes-256-gcm';

export function kekId(kek: Buffer): string {
  return createHash('sha256').update(kek).digest('hex').slice(0, 16);
}

export class KeyVault {
  private readonly opening = new Map<string, Buffer>();
  private readonly currentId: string | undefined;

  /** `current` seals (absent: values are stored in clear); `previous` KEKs still open older values. */
  constructor(
    private readonly current: Buffer | undefined,
    previous: Buffer[] = [],
  ) {
    for (const k of [...previous, ...(current ? [current] : [])]) {
      if (k.length !== 32) throw new Error('a key-encryption key must be 32 bytes');
      this.opening.set(kekId(k), k);
    }
    this.currentId = current && kekId(current);
  }

  get sealing(): boolean {
    return this.current !== undefined;
  }

  /** Whether a stored value is already sealed under the current KEK (nothing to re-seal). */
  isCurrent(stored: string): boolean {
    return this.currentId !== undefined
      ? stored.startsWith(`${PREFIX}${this.currentId}:`)
      : !stored.startsWith(PREFIX);
  }

  seal(plain: string, aad: string): string {
    if (!this.current || !this.currentId) return plain;
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALG, this.current, iv);
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ct].map((b) => b.toString('base64url'));
    return `${PREFIX}${this.currentId}:${parts.join(':')}`;
  }

  /** Opens a sealed value (values stored in clear pass through). Throws when no configured KEK opens it. */
  open(stored: string, aad: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const [id, iv, tag, ct] = stored.slice(PREFIX.length).split(':');
    const kek = id === undefined ? undefined : this.opening.get(id);
    if (!kek || iv === undefined || tag === undefined || ct === undefined) {
      throw new Error(
        `a stored secret is sealed with key-encryption key ${id ?? '?'}, which is not configured ` +
          '(LIGHTSTICK_KEY_ENCRYPTION_KEY / LIGHTSTICK_KEY_ENCRYPTION_KEYS_PREVIOUS)',
      );
    }
    const decipher = createDecipheriv(ALG, kek, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}
