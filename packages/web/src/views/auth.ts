/** Sign up / log in. Tokens are stored by the Session; errors show the server's message. */
import { AccountLimits } from '@lightstick/protocol';
import { errorText, formValues, h } from '../dom.ts';
import { go } from '../router.ts';
import type { Session } from '../session.ts';
import type { View } from './view.ts';

export function authView(session: Session): View {
  let mode: 'login' | 'register' = 'login';
  const title = h('h1', {}, 'Log in');
  const displayName = h(
    'label',
    { class: 'field', hidden: true },
    'Display name',
    h('input', {
      name: 'displayName',
      'data-testid': 'display-name',
      maxlength: AccountLimits.displayNameMaxChars,
      autocomplete: 'nickname',
    }),
  );
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'auth-error' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'submit' }, 'Log in');
  const toggle = h(
    'button',
    { type: 'button', class: 'link', 'data-testid': 'auth-toggle' },
    'New here? Create an account',
  );

  const form = h(
    'form',
    { class: 'card auth', 'data-testid': 'auth-form', 'data-mode': mode },
    title,
    h(
      'label',
      { class: 'field' },
      'Username',
      h('input', {
        name: 'username',
        'data-testid': 'username',
        required: true,
        autocomplete: 'username',
        minlength: AccountLimits.usernameMinChars,
        maxlength: AccountLimits.usernameMaxChars,
      }),
    ),
    h(
      'label',
      { class: 'field' },
      'Password',
      h('input', {
        name: 'password',
        type: 'password',
        'data-testid': 'password',
        required: true,
        autocomplete: 'current-password',
        minlength: AccountLimits.passwordMinChars,
      }),
    ),
    displayName,
    error,
    submit,
    toggle,
  );

  toggle.addEventListener('click', () => {
    mode = mode === 'login' ? 'register' : 'login';
    const register = mode === 'register';
    form.dataset.mode = mode;
    title.textContent = register ? 'Create your account' : 'Log in';
    submit.textContent = register ? 'Sign up' : 'Log in';
    toggle.textContent = register ? 'Have an account? Log in' : 'New here? Create an account';
    displayName.hidden = !register;
    error.textContent = '';
  });

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    const input = { username: v.username ?? '', password: v.password ?? '' };
    const extra = mode === 'register' && v.displayName ? { displayName: v.displayName } : {};
    submit.disabled = true;
    error.textContent = '';
    session
      .signIn(mode, { ...input, ...extra })
      .then(() => go({ name: 'home' }))
      .catch((err: unknown) => {
        error.textContent = errorText(err);
        submit.disabled = false;
      });
  });

  return { el: h('main', { class: 'center' }, form) };
}
