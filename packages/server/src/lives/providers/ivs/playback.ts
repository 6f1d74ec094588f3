/**
 * Members-only IVS playback: the channel is created with `authorized: true`, and each viewer gets an ES384
 * playback token (the JWT claims IVS documents: aws:channel-arn, aws:access-control-allow-origin,
 * aws:viewer-id, exp) signed with the operator's private key. IVS checks it with the public half, which must
 * be imported into the account and region as a playback key pair: either the operator did that and
 * configured its ARN, or it is imported here on first need (an identical key already imported is fine).
 */
import { createPublicKey, createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { ImportPlaybackKeyPairCommand, type IvsClient } from '@aws-sdk/client-ivs';
import { AppError } from '../../../errors.ts';

/** IVS caps a token carrying aws:viewer-id at 10 minutes. */
export const MAX_VIEWER_TOKEN_SEC = 600;

export class IvsPlaybackSigner {
  private readonly key: KeyObject | undefined;
  private imported: Promise<void> | undefined;

  constructor(
    privateKeyPem: string | undefined,
    private readonly keyPairArn: string | undefined,
    private readonly origin: string,
    private readonly importKey: (publicKeyPem: string) => Promise<void>,
  ) {
    this.key = privateKeyPem === undefined ? undefined : createPrivateKey(privateKeyPem);
  }

  get configured(): boolean {
    return this.key !== undefined;
  }

  /** Makes sure IVS knows the public key; memoised, and tried again after a failure. */
  ensureImported(): Promise<void> {
    if (this.key === undefined) {
      return Promise.reject(
        new AppError('provider_error', 'Members-only lives on IVS need LIGHTSTICK_IVS_PLAYBACK_PRIVATE_KEY'),
      );
    }
    if (this.keyPairArn !== undefined) return Promise.resolve();
    if (this.imported === undefined) {
      const pem = createPublicKey(this.key).export({ type: 'spki', format: 'pem' }).toString();
      this.imported = this.importKey(pem).catch((err: unknown) => {
        this.imported = undefined;
        throw err;
      });
    }
    return this.imported;
  }

  /** A token for one viewer of one channel, expiring at `expSec` (seconds since the epoch). */
  async sign(channelArn: string, viewerId: string, expSec: number): Promise<string> {
    if (this.key === undefined) {
      throw new AppError(
        'provider_error',
        'Members-only lives on IVS need LIGHTSTICK_IVS_PLAYBACK_PRIVATE_KEY',
      );
    }
    return new SignJWT({
      'aws:channel-arn': channelArn,
      'aws:access-control-allow-origin': this.origin,
      'aws:viewer-id': viewerId.slice(0, 40),
    })
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT' })
      .setExpirationTime(expSec)
      .sign(this.key);
  }
}

/** ImportPlaybackKeyPair with the name `lightstick`; ConflictException (already imported) is success. */
export async function importPlaybackKey(client: IvsClient, publicKeyPem: string): Promise<void> {
  try {
    await client.send(
      new ImportPlaybackKeyPairCommand({ publicKeyMaterial: publicKeyPem, name: 'lightstick' }),
    );
  } catch (err) {
    if ((err as { name?: string }).name === 'ConflictException') return;
    throw err;
  }
}
