/**
 * The live pages' own styles, injected once as a <style> element, so the components look right in any
 * shell that mounts them. They use the app's colour variables where the shell defines them.
 */
const CSS = `
.ls-watch { display: grid; grid-template-columns: minmax(0, 1fr) minmax(300px, 380px); gap: 1rem;
  padding: 1rem; width: 100%; max-width: 1400px; margin: 0 auto; min-height: 0; height: 100%; }
.ls-watch-main { display: flex; flex-direction: column; gap: 0.6rem; min-width: 0; }
.ls-watch-chat { display: flex; flex-direction: column; min-height: 0; height: calc(100vh - 6rem);
  border: 1px solid var(--border, #2f2a48); border-radius: 14px; overflow: hidden;
  background: var(--surface, #181527); }
.ls-watch-chat > * { flex: 1; min-height: 0; }
.ls-stage { position: relative; aspect-ratio: 16 / 9; background: #000; border-radius: 14px; overflow: hidden;
  display: grid; place-items: center; }
.ls-stage video { width: 100%; height: 100%; display: block; background: #000; }
/* The stage is black in both themes: its text has fixed light colours (contrast over 4.5:1 on black). */
.ls-poster { color: #c9c3e0; text-align: center; padding: 1rem; }
.ls-lock { text-align: center; padding: 1.5rem; max-width: 28rem; color: #c9c3e0; }
.ls-lock-icon { font-size: 2.4rem; display: block; }
.ls-lock h2 { color: #fff; font-size: 1.1rem; margin: 0.4rem 0; }
.ls-meta { display: flex; flex-wrap: wrap; align-items: center; gap: 0.6rem; }
.ls-meta h1 { margin: 0; font-size: 1.25rem; flex: 1 1 12rem; min-width: 0; overflow-wrap: anywhere; }
.ls-state { font-size: 0.8rem; font-weight: 700; padding: 0.15rem 0.55rem; border-radius: 999px;
  background: var(--bg, #221e36); color: var(--muted, #9a94b8); }
/* White on this red is 5.6:1 (the lighter #ff6b6b was 2.8:1, an axe failure). */
.ls-state[data-state="live"] { background: #c62828; color: #fff; }
.ls-state[data-state="reconnecting"] { background: var(--gold, #ffd166); color: #231a00; }
.ls-viewers { color: var(--muted, #9a94b8); font-size: 0.9rem; }
.ls-error { color: var(--danger, #b3261e); font-size: 0.9rem; margin: 0; }
.ls-error:empty { display: none; }
.ls-studio { width: min(760px, 100%); margin: 0 auto; padding: 1rem; display: flex; flex-direction: column;
  gap: 1rem; overflow-y: auto; }
.ls-card { background: var(--surface, #181527); border: 1px solid var(--border, #2f2a48); border-radius: 16px;
  padding: 1.1rem; display: flex; flex-direction: column; gap: 0.7rem; }
.ls-field { display: flex; flex-direction: column; gap: 0.3rem; color: var(--muted, #9a94b8); font-size: 0.9rem; }
.ls-copy-row { display: flex; gap: 0.5rem; }
.ls-copy-row input { flex: 1; min-width: 0; font-family: ui-monospace, monospace; }
.ls-actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.ls-danger { background: #c62828 !important; color: #fff; font-weight: 700; }
.ls-note { color: var(--muted, #9a94b8); font-size: 0.85rem; margin: 0; }
.ls-lives { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 0.4rem; }
.ls-lives li { display: flex; align-items: center; gap: 0.6rem; background: var(--surface, #181527);
  border: 1px solid var(--border, #2f2a48); border-radius: 12px; padding: 0.6rem 0.9rem; }
.ls-lives a { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.ls-when { color: var(--muted, #9a94b8); font-size: 0.8rem; }
@media (max-width: 800px) {
  .ls-watch { grid-template-columns: 1fr; padding: 0.5rem; height: auto; }
  .ls-watch-chat { height: 60vh; }
}
`;

const ID = 'ls-live-styles';

/** Adds the styles to the document once (idempotent; a no-op where there is no document). */
export function ensureLiveStyles(): void {
  if (typeof document === 'undefined' || document.getElementById(ID)) return;
  const style = document.createElement('style');
  style.id = ID;
  style.textContent = CSS;
  document.head.append(style);
}
