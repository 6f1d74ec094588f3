/**
 * Which URL a player request goes to after its playback grant was renewed. Grants carry their token in the
 * URL (the local provider in the path, so the playlist's relative segment URIs carry it too): a request
 * for an earlier grant's playlist, or for anything in that playlist's folder, goes to the newest grant's
 * playlist or folder instead. Pure, so it is tested without a browser.
 */

/** How many earlier grants are still rewritten (requests already queued may name one of them). */
export const KEEP_OLD_URLS = 4;

/** The folder of a URL, up to and with its last '/' before any query. */
export const folderOf = (url: string): string => url.slice(0, url.split('?')[0]!.lastIndexOf('/') + 1);

export class UrlSwap {
  private current = '';
  private old: string[] = [];

  get url(): string {
    return this.current;
  }

  /** Makes `url` the newest grant; the one before it is rewritten to it from now on. */
  set(url: string): void {
    if (this.current && this.current !== url) this.old = [this.current, ...this.old].slice(0, KEEP_OLD_URLS);
    this.old = this.old.filter((u) => u !== url);
    this.current = url;
  }

  /** The URL to request instead of `requestUrl` (itself when it belongs to no earlier grant). */
  rewrite(requestUrl: string): string {
    for (const prev of this.old) {
      if (requestUrl === prev) return this.current;
      const folder = folderOf(prev);
      if (folder && folder !== folderOf(this.current) && requestUrl.startsWith(folder))
        return folderOf(this.current) + requestUrl.slice(folder.length);
    }
    return requestUrl;
  }
}
