import path from 'node:path'

export type DatabaseTarget =
  | { dialect: 'sqlite'; filename: string }
  | {
      dialect: 'mysql'
      host: string
      port: number
      user: string
      password: string
      database: string
    }

/**
 * Reads a DATABASE_URL: `mysql://user:pass@host:port/db` (also `mariadb://`) or
 * `sqlite:<path>`, the path absolute or relative to the working directory.
 * Throws an Error whose message says what is wrong, never echoing the password.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length)
    if (file === '')
      throw new Error('a sqlite: URL needs a file path, as in sqlite:./data/auth.sqlite')
    return { dialect: 'sqlite', filename: file === ':memory:' ? file : path.resolve(file) }
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error('must be mysql://user:pass@host:port/database or sqlite:<path>')
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`unsupported scheme "${parsed.protocol}", use mysql:// or sqlite:`)
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
  if (database === '') throw new Error('a mysql:// URL needs a database name as its path')
  return {
    dialect: 'mysql',
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  }
}

/** The target as it may appear in a log line: the password is never included. */
export function describeDatabase(target: DatabaseTarget): string {
  if (target.dialect === 'sqlite') return `sqlite:${target.filename}`
  const user = target.user === '' ? '' : `${encodeURIComponent(target.user)}@`
  return `mysql://${user}${target.host}:${target.port}/${target.database}`
}
