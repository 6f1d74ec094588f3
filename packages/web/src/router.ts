/** Hash routes: #/login, #/ (communities), #/c/:communityId, #/r/:roomId. */
export type Route =
  { name: 'login' } | { name: 'home' } | { name: 'community'; id: string } | { name: 'room'; id: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id] = parts;
  if (head === 'login') return { name: 'login' };
  if (head === 'c' && id) return { name: 'community', id };
  if (head === 'r' && id) return { name: 'room', id };
  return { name: 'home' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'login':
      return '#/login';
    case 'home':
      return '#/';
    case 'community':
      return `#/c/${encodeURIComponent(route.id)}`;
    case 'room':
      return `#/r/${encodeURIComponent(route.id)}`;
  }
}

export function go(route: Route): void {
  location.hash = href(route);
}
