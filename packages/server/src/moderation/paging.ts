/** Cursor pages: the repositories are asked for one row more than the page, which says whether a next page exists. */
export function pageOf<R>(
  rows: R[],
  limit: number,
  key: (r: R) => string,
): { rows: R[]; next: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last !== undefined ? key(last) : null };
}
