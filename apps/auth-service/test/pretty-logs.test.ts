import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const appDir = fileURLToPath(new URL('..', import.meta.url))

// Written in a process of its own: the pretty stream writes to stdout, which is tap's.
t.test(
  'for a terminal, log lines are pretty, and the last one before exit is written',
  async (t) => {
    const script = `
    import { buildApp } from './src/app.ts'
    import { loadConfig } from './src/config.ts'
    const app = buildApp(loadConfig({ DATABASE_URL: 'sqlite::memory:' }), { prettyLogs: true })
    app.log.info({ marker: 42 }, 'the last line')
    process.exit(3)
  `
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: appDir,
        env: { ...process.env, NO_COLOR: '1' },
        encoding: 'utf8',
      },
    )
    t.equal(run.status, 3, run.stderr)
    t.match(run.stdout, /INFO.*: the last line\n\s+marker: 42/)
    t.notMatch(run.stdout, /^\{"level"/m, 'not JSON')
  },
)
