/** The fan web app: a shell (brand, connection state, account) and hash-routed views. */
import { h, replace } from './dom.ts';
import { go, href, parseRoute } from './router.ts';
import { Session } from './session.ts';
import { authView } from './views/auth.ts';
import { communitiesView } from './views/communities.ts';
import { communityView } from './views/community.ts';
import { roomView } from './views/room.ts';
import { connectionIndicator } from './views/status.ts';
import type { View } from './views/view.ts';

const session = new Session();
const indicator = connectionIndicator();
session.onRealtime = (rt) => indicator.watch(rt);
session.onSignedOut = () => {
  indicator.set('closed');
  go({ name: 'login' });
};

const account = h('span', { class: 'account' });
const outlet = h('div', { class: 'outlet' });
const shell = h(
  'div',
  { class: 'shell' },
  h(
    'header',
    { class: 'topbar' },
    h(
      'a',
      { class: 'brand', href: href({ name: 'home' }) },
      h('span', { class: 'stick', 'aria-hidden': 'true' }),
      'Lightstick',
    ),
    indicator.el,
    account,
  ),
  outlet,
);
document.body.append(shell);

let current: View | undefined;

function renderAccount(): void {
  if (!session.signedIn || !session.user) return replace(account);
  const out = h('button', { type: 'button', class: 'link', 'data-testid': 'sign-out' }, 'Sign out');
  out.addEventListener('click', () => {
    void session.signOut().then(() => {
      indicator.set('closed');
      go({ name: 'login' });
    });
  });
  replace(account, h('span', { 'data-testid': 'me' }, session.user.displayName || session.user.name), out);
}

function route(): void {
  current?.dispose?.();
  const r = parseRoute(location.hash);
  if (!session.signedIn && r.name !== 'login') return go({ name: 'login' });
  if (session.signedIn && r.name === 'login') return go({ name: 'home' });
  if (session.signedIn) session.realtime(); // the indicator shows the connection on every page
  renderAccount();
  current =
    r.name === 'login'
      ? authView(session)
      : r.name === 'community'
        ? communityView(session, r.id)
        : r.name === 'room'
          ? roomView(session, r.id)
          : communitiesView(session);
  replace(outlet, current.el);
}

window.addEventListener('hashchange', route);
route();
