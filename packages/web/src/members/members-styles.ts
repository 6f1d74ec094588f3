/**
 * The members screen's few rules, injected once when it opens (like live/live-styles.ts) rather than added to
 * styles.css, which every fan downloads with the chat screen. Built on the app's colour variables and classes.
 */
const CSS = `
.ms-search { margin: 1rem 0 0.5rem; }
.ms-search label { display: block; margin-bottom: 0.25rem; }
.ms-search-row { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.ms-search-row input { flex: 1 1 12rem; width: auto; }
.ms-list > li.ms-row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 0.75rem;
  padding: 0.75rem 0; }
.ms-who { flex: 1 1 14rem; min-width: 0; overflow-wrap: anywhere; }
.ms-change { display: flex; gap: 0.5rem; flex: 0 1 auto; }
.ms-change select { width: auto; min-width: 9rem; }
.ms-note { font-size: 0.9rem; }
.ms-result { flex-basis: 100%; margin: 0; font-size: 0.95rem; }
.ms-ok { color: var(--ok); }
`;

const ID = 'ls-members-styles';

/** Adds the styles to the document once (idempotent). */
export function ensureMembersStyles(): void {
  if (typeof document === 'undefined' || document.getElementById(ID)) return;
  const style = document.createElement('style');
  style.id = ID;
  style.textContent = CSS;
  document.head.append(style);
}
