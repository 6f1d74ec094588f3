/** The communities list: open one, join one, or create a new one (the creator becomes its owner). */
import type { CommunityView } from '@lightstick/protocol';
import { errorText, formValues, h, replace } from '../dom.ts';
import { go, href } from '../router.ts';
import type { Session } from '../session.ts';
import { roleBadge } from './badges.ts';
import type { View } from './view.ts';

export function communitiesView(session: Session): View {
  const list = h(
    'ul',
    { class: 'list', 'data-testid': 'community-list' },
    h('li', { class: 'muted' }, 'Loading…'),
  );
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'community-error' });

  const render = (items: CommunityView[]) => {
    if (items.length === 0)
      return replace(list, h('li', { class: 'muted' }, 'No communities yet: create the first one.'));
    replace(list, ...items.map((c) => item(c)));
  };
  const item = (c: CommunityView) => {
    const join = h(
      'button',
      { type: 'button', class: 'primary small', 'data-testid': 'join-community' },
      'Join',
    );
    join.addEventListener('click', () => {
      join.disabled = true;
      session.api
        .joinCommunity(c.id)
        .then(() => go({ name: 'community', id: c.id }))
        .catch((err: unknown) => {
          error.textContent = errorText(err);
          join.disabled = false;
        });
    });
    return h(
      'li',
      { class: 'row', 'data-testid': 'community-item', 'data-id': c.id, 'data-slug': c.slug },
      h(
        'a',
        { href: href({ name: 'community', id: c.id }), class: 'grow', 'data-testid': 'community-link' },
        h('strong', {}, c.name),
        ' ',
        h('span', { class: 'muted' }, `/${c.slug}`),
        c.description ? h('span', { class: 'desc' }, c.description) : null,
      ),
      c.myRole ? roleBadge(c.myRole) : join,
    );
  };
  const load = () =>
    session.api
      .listCommunities()
      .then(render)
      .catch((err: unknown) => replace(list, h('li', { class: 'error' }, errorText(err))));

  const form = h(
    'form',
    { class: 'card inline', 'data-testid': 'create-community-form' },
    h('h2', {}, 'Start a community'),
    h('input', { name: 'name', placeholder: 'Name', required: true, 'data-testid': 'community-name' }),
    h('input', {
      name: 'slug',
      placeholder: 'slug (a-z, 0-9, -)',
      required: true,
      pattern: '[a-z0-9][a-z0-9-]*',
      'data-testid': 'community-slug',
    }),
    h('input', {
      name: 'description',
      placeholder: 'Description (optional)',
      'data-testid': 'community-description',
    }),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'create-community' }, 'Create'),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    const input = {
      slug: v.slug ?? '',
      name: v.name ?? '',
      ...(v.description ? { description: v.description } : {}),
    };
    error.textContent = '';
    session.api
      .createCommunity(input)
      .then((c) => go({ name: 'community', id: c.id }))
      .catch((err: unknown) => (error.textContent = errorText(err)));
  });

  void load();
  return { el: h('main', { class: 'page' }, h('h1', {}, 'Communities'), error, list, form) };
}
