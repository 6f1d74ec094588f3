/**
 * A hosted translation API (DeepL, Papago, Google Cloud Translation...): one folder per adapter under adapters/,
 * each speaking its API's documented REST calls. Only app/ picks one, from Config.
 */
import type { TranslationLanguage } from '@lightstick/protocol';

export interface TranslationRequest {
  text: string;
  /** The detected language of `text` (ISO 639-1), or undefined to let the provider detect it. */
  source?: string;
  target: TranslationLanguage;
}

export interface TranslationProvider {
  /** Shown in answers (`provider`) and logs. */
  readonly name: string;
  /** Whether the provider translates into `target`. */
  supports(target: TranslationLanguage): boolean;
  /**
   * Translates one text. Rejects with AppError('provider_error') when the API refuses or fails (the message says
   * what, never a credential), and with AppError('unavailable') when it cannot be reached or `signal` aborts.
   */
  translate(req: TranslationRequest, signal: AbortSignal): Promise<{ text: string; detectedSource?: string }>;
}
