/** Where sign-in may send the fan back to: a path of this app only (never another site). */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}
