/**
 * The app shell and its routes. Screens that need an account send a signed-out visitor to /login with
 * the page they asked for in `next`, and sign-in goes back there, so a shared room link survives sign-in.
 */
import type { ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { t } from './i18n/i18n.ts';
import { AuthScreen } from './screens/auth.tsx';
import { CommunitiesScreen } from './screens/communities.tsx';
import { CommunityScreen } from './screens/community.tsx';
import { NotFound } from './screens/not-found.tsx';
import { WelcomeScreen } from './screens/welcome.tsx';
import { RoomScreen } from './room/room-screen.tsx';
import { session } from './state/session.ts';
import { Header } from './ui/header.tsx';

/**
 * A screen of one thing (a community, a room, a live) starts afresh when the path names another: preact-iso keeps
 * the component when only the path's `id` changes (/c/A to /c/B by a link), so the page showed A until B's answers
 * came, and an answer for A that came after B's replaced it. Keyed by the id, each one is its own page, as after a
 * reload. Screens without an `id` (the studio's two routes, one page going from setup to live) keep their state.
 */
function signedInOnly<P extends object>(Screen: ComponentType<P>) {
  return function Guarded(props: P) {
    const { url, route } = useLocation();
    const signedIn = session.user.value !== null;
    useEffect(() => {
      if (!signedIn) route(`/login?next=${encodeURIComponent(url)}`, true);
      else session.realtime(); // the header shows the connection on every signed-in screen
    }, [signedIn, url]);
    const id = 'id' in props && typeof props.id === 'string' ? props.id : undefined;
    return signedIn ? <Screen key={id} {...props} /> : null;
  };
}

function Home() {
  const signedIn = session.user.value !== null;
  return signedIn ? <Communities /> : <WelcomeScreen />;
}

const Communities = signedInOnly(CommunitiesScreen);
const Community = signedInOnly(CommunityScreen);
const Room = signedInOnly(RoomScreen);
// The live pages bring the video player (hls.js): loaded when first opened, not with the chat.
const Watch = signedInOnly(lazy(() => import('./screens/watch.tsx').then((m) => m.WatchScreen)));
const Studio = signedInOnly(lazy(() => import('./screens/studio.tsx').then((m) => m.StudioScreen)));
// The owner's members screen: only owners and admins open it, so it loads when opened.
const Members = signedInOnly(lazy(() => import('./members/members-screen.tsx').then((m) => m.MembersScreen)));

export function App() {
  return (
    <LocationProvider>
      <a class="skip" href="#main">
        {t('nav.skip')}
      </a>
      <Header />
      <Router>
        <Route path="/" component={Home} />
        <Route path="/login" component={AuthScreen} mode="login" />
        <Route path="/signup" component={AuthScreen} mode="register" />
        <Route path="/c/:id" component={Community} />
        <Route path="/c/:id/members" component={Members} />
        <Route path="/r/:id" component={Room} />
        <Route path="/w/:id" component={Watch} />
        <Route path="/studio/:communityId" component={Studio} />
        <Route path="/studio/:communityId/:liveId" component={Studio} />
        <Route default component={NotFound} />
      </Router>
    </LocationProvider>
  );
}
