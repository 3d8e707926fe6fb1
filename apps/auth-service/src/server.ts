import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'

// In-flight requests get this long to finish after SIGTERM/SIGINT; past it
// the process exits non-zero rather than hang a rollout.
const SHUTDOWN_DEADLINE_MS = 10_000

function exitOnConfigError(error: unknown) {
  if (!(error instanceof ConfigError)) return
  process.stderr.write(`auth-service: ${error.message}\n`)
  process.exit(1)
}

function loadConfigOrExit() {
  try {
    return loadConfig(process.env)
  } catch (error) {
    exitOnConfigError(error)
    throw error
  }
}

const config = loadConfigOrExit()
// Pretty logs for a person at a terminal, JSON lines for everything else.
const app = buildApp(config, { prettyLogs: process.stdout.isTTY === true })

closeWithGrace({ delay: SHUTDOWN_DEADLINE_MS, logger: app.log }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'shutting down after an unexpected error')
  else app.log.info({ signal }, 'shutting down')
  await app.close()
})

try {
  await app.listen({ port: config.port, host: config.host })
} catch (error) {
  // A key file that cannot be used is found while the app starts.
  exitOnConfigError(error)
  app.log.error({ err: error }, 'could not start')
  await app.close()
  process.exit(1)
}
