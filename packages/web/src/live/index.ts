/**
 * The live video UI, for a shell to mount: each component takes plain props (an ApiClient, a
 * RealtimeClient, ids) and imports nothing from the app shell.
 */
export { WatchPage, type WatchPageProps } from './watch-page.tsx';
export { CreatorPage, type CreatorPageProps } from './creator-page.tsx';
export { LivesList, type LivesListProps, LIVES_POLL_MS } from './lives-list.tsx';
export { LivePlayer, hlsEngine } from './player.ts';
export { catalogues, stringsFor, type Lang, type LiveStrings } from './strings.ts';
export { orderLives, refreshDelay, isOnAir } from './live-labels.ts';
