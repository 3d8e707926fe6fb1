import path from 'node:path'
import t from 'tap'
import { describeDatabase, parseDatabaseUrl } from '../src/database-url.js'

t.test('a mysql URL gives its parts, decoded', async (t) => {
  t.same(parseDatabaseUrl('mysql://app%40x:p%2Fss@db.internal:3307/auth'), {
    dialect: 'mysql',
    host: 'db.internal',
    port: 3307,
    user: 'app@x',
    password: 'p/ss',
    database: 'auth',
  })
  t.equal(parseDatabaseUrl('mariadb://root@127.0.0.1/auth').dialect, 'mysql')
  t.match(parseDatabaseUrl('mysql://root@127.0.0.1/auth'), { port: 3306 }, 'default port')
})

t.test('a sqlite URL resolves relative paths against the working directory', async (t) => {
  t.same(parseDatabaseUrl('sqlite:data/x.sqlite'), {
    dialect: 'sqlite',
    filename: path.resolve('data/x.sqlite'),
  })
  t.same(parseDatabaseUrl('sqlite:/var/lib/auth.sqlite'), {
    dialect: 'sqlite',
    filename: '/var/lib/auth.sqlite',
  })
})

t.test('bad URLs are refused with a reason and without the password', async (t) => {
  t.throws(() => parseDatabaseUrl('postgres://u:secret@h/db'), /unsupported scheme/)
  t.throws(() => parseDatabaseUrl('mysql://u:secret@h'), /database name/)
  t.throws(() => parseDatabaseUrl('sqlite:'), /file path/)
  t.throws(() => parseDatabaseUrl('not a url'), /mysql:\/\//)
  try {
    parseDatabaseUrl('postgres://u:secret@h/db')
  } catch (error) {
    t.notMatch(String(error), /secret/)
  }
})

t.test('the description of a database never holds its password', async (t) => {
  const described = describeDatabase(parseDatabaseUrl('mysql://app:s3cr3t@db:3306/auth'))
  t.equal(described, 'mysql://app@db:3306/auth')
  t.equal(describeDatabase(parseDatabaseUrl('sqlite:/tmp/a.sqlite')), 'sqlite:/tmp/a.sqlite')
})
