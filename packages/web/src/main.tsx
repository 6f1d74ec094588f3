/** Entry: old hash links (#/r/…) become paths, the document language follows the UI's, the app renders. */
import { effect } from '@preact/signals';
import { render } from 'preact';
import { App } from './app.tsx';
import { lang } from './i18n/i18n.ts';
import './fandom/room-slots.tsx';

if (location.hash.startsWith('#/')) history.replaceState(null, '', location.hash.slice(1) || '/');
effect(() => {
  document.documentElement.lang = lang.value;
});
render(<App />, document.getElementById('app')!);
