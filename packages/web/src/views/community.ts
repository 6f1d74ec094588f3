/** One community: its rooms, a join button for visitors, and a create-room form for staff. */
import type { CommunityView, RoomAccess, RoomKind, RoomView } from '@lightstick/protocol';
import { errorText, formValues, h, replace } from '../dom.ts';
import { go, href } from '../router.ts';
import type { Session } from '../session.ts';
import { isStaff, roleBadge } from './badges.ts';
import type { View } from './view.ts';

export function communityView(session: Session, communityId: string): View {
  const title = h('h1', {}, 'Community');
  const meta = h('div', { class: 'row' });
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'community-error' });
  const rooms = h(
    'ul',
    { class: 'list', 'data-testid': 'room-list' },
    h('li', { class: 'muted' }, 'Loading…'),
  );
  const staffArea = h('div');
  const fail = (err: unknown) => (error.textContent = errorText(err));

  const roomItem = (r: RoomView) =>
    h(
      'li',
      { class: 'row', 'data-testid': 'room-item', 'data-id': r.id, 'data-kind': r.kind },
      h(
        'a',
        { href: href({ name: 'room', id: r.id }), class: 'grow', 'data-testid': 'room-link' },
        '# ',
        r.name,
      ),
      r.kind === 'live' ? h('span', { class: 'tag live' }, 'LIVE') : null,
      r.access === 'members' ? h('span', { class: 'tag' }, 'members') : null,
    );

  const loadRooms = () =>
    session.api
      .listRooms(communityId)
      .then((items) =>
        replace(rooms, ...(items.length ? items.map(roomItem) : [h('li', { class: 'muted' }, 'No rooms')])),
      )
      .catch(fail);

  const showCommunity = (c: CommunityView) => {
    title.textContent = c.name;
    replace(
      meta,
      h('span', { class: 'muted grow' }, c.description || `/${c.slug}`),
      c.myRole ? roleBadge(c.myRole) : joinButton(c),
    );
    replace(staffArea, isStaff(c.myRole, session.user?.admin ?? false) ? createRoomForm() : null);
  };

  const joinButton = (c: CommunityView) => {
    const b = h(
      'button',
      { type: 'button', class: 'primary small', 'data-testid': 'join-community' },
      'Join',
    );
    b.addEventListener('click', () => {
      b.disabled = true;
      session.api.joinCommunity(c.id).then(showCommunity).catch(fail);
    });
    return b;
  };

  const createRoomForm = () => {
    const form = h(
      'form',
      { class: 'card inline', 'data-testid': 'create-room-form' },
      h('h2', {}, 'New room'),
      h('input', { name: 'name', placeholder: 'Room name', required: true, 'data-testid': 'room-name' }),
      select('kind', ['community', 'live']),
      select('access', ['public', 'members']),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'create-room' }, 'Create'),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = formValues(form);
      const input = { name: v.name ?? '', kind: v.kind as RoomKind, access: v.access as RoomAccess };
      session.api
        .createRoom(communityId, input)
        .then((r) => go({ name: 'room', id: r.id }))
        .catch(fail);
    });
    return form;
  };

  session.api.getCommunity(communityId).then(showCommunity).catch(fail);
  void loadRooms();

  const back = h('a', { href: href({ name: 'home' }), class: 'back' }, '← Communities');
  return {
    el: h('main', { class: 'page' }, back, title, meta, error, h('h2', {}, 'Rooms'), rooms, staffArea),
  };
}

function select(name: string, options: string[]): HTMLSelectElement {
  return h(
    'select',
    { name, 'data-testid': `room-${name}` },
    ...options.map((o) => h('option', { value: o }, o)),
  );
}
