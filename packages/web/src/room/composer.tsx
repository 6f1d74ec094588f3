/**
 * The message box: Enter sends, Shift+Enter is a new line, and Enter that confirms an IME composition
 * (Korean, Japanese) never sends. Sends not yet acknowledged stay listed above it with their state, and a
 * failed one can be sent again or removed.
 */
import { graphemeLength, Limits } from '@lightstick/protocol';
import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';

export interface Outgoing {
  key: number;
  text: string;
  state: 'sending' | 'failed';
  reason?: string;
}

export function Composer(props: {
  outgoing: Outgoing[];
  error: { text: string; code?: string };
  onSend(text: string): void;
  onResend(o: Outgoing): void;
  onDiscard(o: Outgoing): void;
  onError(text: string, code?: string): void;
}) {
  const [text, setText] = useState('');
  const n = graphemeLength(text);
  const max = Limits.maxMessageChars;

  const send = () => {
    if (text.trim() === '') return;
    if (n > max) return props.onError(t('composer.tooLong', { n, max }), 'message_too_long');
    props.onError('');
    setText('');
    props.onSend(text);
  };

  return (
    <div class="composer-wrap">
      {props.outgoing.length ? (
        <ol class="messages pending" data-testid="pending-list" aria-label={t('composer.unsent')}>
          {props.outgoing.map((o) => (
            <li
              key={o.key}
              class={`msg msg--mine msg--pending${o.state === 'failed' ? ' msg--failed' : ''}`}
              data-testid="pending-message"
              data-state={o.state}
            >
              <span class="status">
                {o.state === 'sending'
                  ? t('composer.sending')
                  : t('composer.failed', { reason: o.reason ?? '' })}
              </span>
              <p class="text">{o.text}</p>
              {o.state === 'failed' ? (
                <span class="row">
                  <button type="button" class="small" data-testid="resend" onClick={() => props.onResend(o)}>
                    {t('composer.resend')}
                  </button>
                  <button type="button" class="small link" onClick={() => props.onDiscard(o)}>
                    {t('composer.discard')}
                  </button>
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      <form
        class="composer"
        data-testid="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <label class="sr-only" for="message-input">
          {t('composer.label')}
        </label>
        <textarea
          id="message-input"
          class="grow"
          rows={1}
          placeholder={t('composer.placeholder')}
          autocomplete="off"
          enterkeyhint="send"
          data-testid="message-input"
          value={text}
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter' || e.shiftKey) return;
            e.preventDefault();
            if (e.isComposing || e.keyCode === 229) return;
            send();
          }}
        />
        {n > max * 0.8 ? (
          <span class={`counter muted${n > max ? ' over' : ''}`} data-testid="char-counter">
            {n}/{max}
          </span>
        ) : null}
        <button type="submit" class="primary" data-testid="send-button">
          {t('composer.send')}
        </button>
      </form>
      <p class="error" role="alert" data-testid="composer-error" data-code={props.error.code}>
        {props.error.text}
      </p>
    </div>
  );
}
