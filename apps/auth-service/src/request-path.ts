/**
 * The path of a request URL without its query string: what logs and error
 * messages show, since callers sometimes put credentials in the query by mistake.
 */
export function pathWithoutQuery(url: string): string {
  // Runs for every access-log line: no array, as split would make.
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}
