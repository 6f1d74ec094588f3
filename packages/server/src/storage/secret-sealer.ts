/**
 * How the store keeps secrets at rest (issue 8): the repositories that hold one (the local provider's stream
 * keys and playback secrets) seal it before writing and open it after reading, with the row's id in the
 * associated data. A server passes its KeyVault (auth/key-vault.ts, chosen in app/key-encryption.ts), which
 * satisfies this interface; a store opened without one (tests of the storage layer, `lightstick migrate`)
 * keeps new values in clear and reads sealed ones as they are stored.
 */
export interface SecretSealer {
  seal(plain: string, aad: string): string;
  /** Values stored in clear pass through; throws when the value is sealed under a key it does not have. */
  open(stored: string, aad: string): string;
  /** Whether a stored value is already in the form `seal` would write now (nothing to re-seal). */
  isCurrent(stored: string): boolean;
}

export const inClear: SecretSealer = {
  seal: (plain) => plain,
  open: (stored) => stored,
  isCurrent: () => true,
};
