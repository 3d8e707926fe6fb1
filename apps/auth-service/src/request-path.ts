/**
 * The path of a request URL without its query string: what logs and error
 * messages show, since callers sometimes put credentials in the query by mistake.
 */
export function pathWithoutQuery(url: string): string {
  return url.split('?', 1)[0] ?? url
}
