/**
 * A read-only value with a copy button (the ingest URL, the stream key). A secret is masked until shown,
 * since creators often share their screen. Copies through the Clipboard API, else by selecting the text.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LiveStrings } from './strings.ts';

const COPIED_MS = 2_000;

export interface CopyFieldProps {
  label: string;
  value: string;
  secret?: boolean;
  testId: string;
  s: LiveStrings;
}

export function CopyField({ label, value, secret = false, testId, s }: CopyFieldProps) {
  const input = useRef<HTMLInputElement>(null);
  const [shown, setShown] = useState(!secret);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), COPIED_MS);
    return () => clearTimeout(t);
  }, [copied]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // No Clipboard API here (or no permission): select the text so the creator can copy it by hand.
      input.current?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };

  const common = {
    ref: input,
    readOnly: true,
    value,
    'data-testid': testId,
    spellcheck: false,
    autocomplete: 'off',
  } as const;
  return (
    <label class="ls-field">
      {label}
      <span class="ls-copy-row">
        {shown ? <input {...common} type="text" /> : <input {...common} type="password" />}
        {secret && (
          <button
            type="button"
            class="small"
            onClick={() => setShown(!shown)}
            data-testid={`${testId}-toggle`}
          >
            {shown ? s.hide : s.show}
          </button>
        )}
        <button type="button" class="small" onClick={() => void copy()} data-testid={`copy-${testId}`}>
          {copied ? s.copied : s.copy}
        </button>
      </span>
    </label>
  );
}
