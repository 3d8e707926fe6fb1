import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { once } from 'node:events'
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { testDialects } from '@auth-service/db/testing'
import t from 'tap'
import { deployServiceTo, parseEnvFile } from './helpers/deploy.js'
import { INFRA_DIR } from './helpers/manifests.js'

// What the image holds, run the way the image runs it: plain `node` on the
// compiled files, as an unprivileged user who cannot write to them, with the
// manifests' production settings, against MariaDB.
const mysql = testDialects().find((d) => d.dialect === 'mysql')
const skip = mysql?.skip ?? 'no MySQL dialect'
if (skip) t.comment(`skipping the deployed-package test: ${skip}`)

const redisUrl = process.env.TEST_REDIS_URL
const NOBODY = 65534
const runsAsRoot = process.getuid?.() === 0
const PASSWORD = 'a deployed passphrase'
const settings = parseEnvFile(readFileSync(path.join(INFRA_DIR, 'k8s/base/settings.env'), 'utf8'))
const scripts = JSON.parse(
  readFileSync(path.join(INFRA_DIR, '../apps/auth-service/package.json'), 'utf8'),
).scripts as Record<string, string>

/**
 * `node dist/…` from a package script, run with this Node in `cwd`. Through
 * `env -u NODE_OPTIONS`: the test runner adds its own hooks to child processes.
 */
function runScript(
  script: string,
  cwd: string,
  env: Record<string, string>,
  extraArgs: string[] = [],
): ChildProcess {
  const [command, ...args] = (scripts[script] ?? '').split(' ')
  if (command !== 'node') throw new Error(`the ${script} script is not plain node: ${command}`)
  return spawn('env', ['-u', 'NODE_OPTIONS', process.execPath, ...args, ...extraArgs], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(runsAsRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  })
}

function collectOutput(child: ChildProcess): string[] {
  const lines: string[] = []
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.split('\n')))
  }
  return lines
}

/** The first output line that includes `text`, waited for while the process runs. */
async function lineIncluding(
  lines: string[],
  child: ChildProcess,
  text: string,
  timeoutMs: number,
): Promise<string | undefined> {
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    const line = lines.find((l) => l.includes(text))
    if (line !== undefined || child.exitCode !== null) return line
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return undefined
}

async function listeningOrigin(lines: string[], child: ChildProcess): Promise<string> {
  const line = await lineIncluding(lines, child, 'Server listening', 20_000)
  const origin = line && /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0]
  if (origin) return origin
  throw new Error(`the service did not start:\n${lines.join('\n')}`)
}

t.test(
  'the production package registers and logs in, then stops on SIGTERM',
  { skip },
  async (t) => {
    const workDir = mkdtempSync(path.join(tmpdir(), 'auth-service-deploy-'))
    chmodSync(workDir, 0o755)
    t.teardown(() => rmSync(workDir, { recursive: true, force: true }))
    const appDir = path.join(workDir, 'app')
    deployServiceTo(appDir)

    t.test('holds compiled JavaScript and production dependencies only', async (t) => {
      t.same(readdirSync(appDir).sort(), [
        'README.md',
        'dist',
        'node_modules',
        'package.json',
        'pnpm-lock.yaml',
      ])
      const installed = readdirSync(path.join(appDir, 'node_modules/.pnpm'))
      for (const devOnly of [
        'tsx@',
        'typescript@',
        'tap@',
        'autocannon@',
        'esbuild@',
        '@biomejs+',
      ]) {
        t.notOk(
          installed.some((name) => name.startsWith(devOnly)),
          `${devOnly} is not installed`,
        )
      }
      t.ok(existsSync(path.join(appDir, 'dist/server.bundle.js')))
      t.ok(existsSync(path.join(appDir, 'dist/service.bundle.js')))
      t.ok(existsSync(path.join(appDir, 'dist/migrate.bundle.js')))
      // esbuild's keepNames helper, minified or not: it names every closure
      // as it is made, on every request, and cost a fifth of a /livez request.
      const keepNamesHelper =
        /=>\s*[\w$]+\([\w$]+,\s*"name",\s*\{\s*value(:\s*[\w$]+)?,\s*configurable:\s*(!0|true)\s*\}\)/
      for (const bundle of ['dist/service.bundle.js', 'dist/migrate.bundle.js']) {
        const code = readFileSync(path.join(appDir, bundle), 'utf8')
        t.notOk(keepNamesHelper.test(code), `${bundle} does not name closures at run time`)
      }
    })

    const database = await (mysql as NonNullable<typeof mysql>).create()
    t.teardown(() => database.drop())
    // As the kubelet writes a Secret volume: root's file, group fsGroup, 0440.
    const keyDir = path.join(workDir, 'keys')
    mkdirSync(keyDir, { mode: 0o755 })
    const signingKeyFile = path.join(keyDir, 'signing-key.pem')
    const { privateKey } = generateKeyPairSync('ed25519')
    writeFileSync(signingKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }))
    chmodSync(signingKeyFile, 0o440)
    if (runsAsRoot) chownSync(signingKeyFile, 0, NOBODY)
    // The absent verify-keys ConfigMap: an empty directory.
    const verifyKeysDir = path.join(workDir, 'verify-keys')
    mkdirSync(verifyKeysDir, { mode: 0o755 })
    const env = {
      ...settings,
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: database.url,
      TOKEN_SIGNING_KEY_FILE: signingKeyFile,
      TOKEN_VERIFY_KEYS_DIR: verifyKeysDir,
    }
    t.equal(settings.NODE_ENV, 'production', 'the manifests’ production settings')

    const migration = runScript('migrate', appDir, env)
    const migrationOutput = collectOutput(migration)
    const [migrationExit] = await once(migration, 'exit')
    t.equal(migrationExit, 0, `migrate exits 0:\n${migrationOutput.join('\n')}`)
    const waitForMigrations = runScript('migrate', appDir, env, ['--wait'])
    const [waitExit] = await once(waitForMigrations, 'exit')
    t.equal(waitExit, 0, 'the init container’s wait is over once migrated')

    const server = runScript('start', appDir, env)
    const output = collectOutput(server)
    t.teardown(() => {
      if (server.exitCode === null) server.kill('SIGKILL')
    })
    const origin = await listeningOrigin(output, server)
    const post = (url: string, body: unknown) =>
      fetch(`${origin}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })

    const registered = await post('/users', { username: 'deployed', password: PASSWORD })
    t.equal(registered.status, 201)
    const login = await post('/tokens', { username: 'deployed', password: PASSWORD })
    t.equal(login.status, 200)
    const { accessToken } = (await login.json()) as { accessToken: string }
    const me = await fetch(`${origin}/users/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    })
    t.equal(me.status, 200)
    t.equal(((await me.json()) as { username: string }).username, 'deployed')

    const stopping = Date.now()
    server.kill('SIGTERM')
    const [exitCode] = await once(server, 'exit')
    t.equal(exitCode, 0, 'exits 0 on SIGTERM')
    const stoppedAfter = Date.now() - stopping
    t.ok(stoppedAfter >= Number(settings.SHUTDOWN_DRAIN_DELAY_MS), 'waited out the drain delay')
    t.ok(stoppedAfter < Number(settings.SHUTDOWN_TIMEOUT_MS), 'within the shutdown deadline')
    t.ok(
      output.some((line) => line.includes('"shut down"')),
      'logged its shutdown',
    )
    t.notOk(
      output.some((line) => line.includes(PASSWORD)),
      'no password in the logs',
    )
    t.notOk(
      output.some((line) => /\$2[aby]\$/.test(line)),
      'no hash in the logs',
    )
    t.notOk(
      existsSync(path.join(appDir, 'data')),
      'wrote nothing next to its code (no embedded database)',
    )
    if (runsAsRoot) {
      const writable = spawnSync('test', ['-w', appDir], { uid: NOBODY, gid: NOBODY })
      t.equal(writable.status, 1, 'the service’s user could not have written there')
    }

    // The bundle leaves ioredis out: it must load from the package's own folder.
    t.test(
      'with REDIS_URL, loads its Redis client and connects',
      { skip: !redisUrl },
      async (t) => {
        const withRedis = runScript('start', appDir, {
          ...env,
          REDIS_URL: redisUrl ?? '',
          SHUTDOWN_DRAIN_DELAY_MS: '0',
        })
        const lines = collectOutput(withRedis)
        t.teardown(() => {
          if (withRedis.exitCode === null) withRedis.kill('SIGKILL')
        })
        await listeningOrigin(lines, withRedis)
        // Logged once the client is ready, which the start does not wait for.
        const connected = await lineIncluding(lines, withRedis, 'Redis connected', 10_000)
        t.ok(connected, 'connected to Redis', { output: lines.join('\n') })
        withRedis.kill('SIGTERM')
        const [code] = await once(withRedis, 'exit')
        t.equal(code, 0, 'exits 0 on SIGTERM')
      },
    )
  },
)
