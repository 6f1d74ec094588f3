/** Light and dark themes: follow the system unless the fan picks one (remembered); CSS reads data-theme. */
import { effect, signal } from '@preact/signals';

export type Theme = 'system' | 'light' | 'dark';
const KEY = 'lightstick.theme';
const saved = localStorage.getItem(KEY);
export const theme = signal<Theme>(saved === 'light' || saved === 'dark' ? saved : 'system');

export function setTheme(next: Theme): void {
  if (next === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, next);
  theme.value = next;
}

effect(() => {
  const root = document.documentElement;
  if (theme.value === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme.value;
});
