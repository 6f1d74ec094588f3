/** The message box: Enter sends (not while an IME is composing Korean or Japanese), errors show below. */
import { graphemeLength, Limits } from '@lightstick/protocol';
import { h } from '../dom.ts';

export interface Composer {
  el: HTMLElement;
  /** Shows an error (or clears it with ''); `code` goes to data-code for tests and styling. */
  error(text: string, code?: string): void;
  focus(): void;
}

export function composer(onSend: (text: string) => void): Composer {
  const input = h('input', {
    type: 'text',
    class: 'grow',
    placeholder: 'Say something nice…',
    autocomplete: 'off',
    enterkeyhint: 'send',
    'data-testid': 'message-input',
    'aria-label': 'Message',
  });
  const counter = h('span', { class: 'counter muted', 'data-testid': 'char-counter' });
  const errorEl = h('p', { class: 'error', role: 'alert', 'data-testid': 'composer-error' });
  const button = h('button', { type: 'submit', class: 'primary', 'data-testid': 'send-button' }, 'Send');
  const form = h('form', { class: 'composer', 'data-testid': 'composer' }, input, counter, button);

  const error = (text: string, code?: string) => {
    errorEl.textContent = text;
    if (code) errorEl.dataset.code = code;
    else delete errorEl.dataset.code;
  };

  input.addEventListener('input', () => {
    const n = graphemeLength(input.value);
    counter.textContent = n > Limits.maxMessageChars * 0.8 ? `${n}/${Limits.maxMessageChars}` : '';
    counter.classList.toggle('over', n > Limits.maxMessageChars);
  });
  // Enter that confirms an IME composition must not send the half-typed text.
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.isComposing || ev.keyCode === 229)) ev.preventDefault();
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = input.value;
    if (text.trim() === '') return;
    const n = graphemeLength(text);
    if (n > Limits.maxMessageChars) {
      return error(`Too long: ${n} characters, the limit is ${Limits.maxMessageChars}.`, 'message_too_long');
    }
    error('');
    input.value = '';
    counter.textContent = '';
    onSend(text);
  });

  return { el: h('div', { class: 'composer-wrap' }, form, errorEl), error, focus: () => input.focus() };
}
