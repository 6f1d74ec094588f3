/**
 * The member routes of docs/http-api.md (the list, with its username search, and setting a role) over
 * ApiClient's generic `call`: they load with the owner's screen, so the chat screen's SDK stays as small as it is.
 */
import type { ApiClient } from '@lightstick/client';
import type { CommunityRole, MemberList, MemberView } from '@lightstick/protocol';

const enc = encodeURIComponent;
/** One page of the list: a screenful on a desktop, and few requests for a big community. */
export const MEMBERS_PAGE = 50;

export function listMembers(
  api: ApiClient,
  community: string,
  opts: { q?: string; after?: string | null } = {},
): Promise<MemberList> {
  const query = new URLSearchParams({ limit: String(MEMBERS_PAGE) });
  if (opts.q) query.set('q', opts.q);
  if (opts.after) query.set('after', opts.after);
  return api.call('GET', `/api/communities/${enc(community)}/members?${query}`);
}

export function setRole(
  api: ApiClient,
  community: string,
  userId: string,
  role: CommunityRole,
): Promise<MemberView> {
  return api.call('PUT', `/api/communities/${enc(community)}/members/${enc(userId)}`, { body: { role } });
}
