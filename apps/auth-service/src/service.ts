// The service proper, loaded by the entry point (server.ts) once it has set
// the process up: configuration, building the app, listening, shutting down.
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { setServingHeapFlags } from './heap-flags.js'

function exitOnConfigError(error: unknown) {
  if (!(error instanceof ConfigError)) return
  process.stderr.write(`auth-service: ${error.message}\n`)
  process.exit(1)
}

function buildOrExit() {
  try {
    const config = loadConfig(process.env)
    // Pretty logs for a person at a terminal, JSON lines for everything else.
    return { config, app: buildApp(config, { prettyLogs: process.stdout.isTTY === true }) }
  } catch (error) {
    exitOnConfigError(error)
    throw error
  }
}

const { config, app } = buildOrExit()

// SIGTERM: readiness fails at once; requests are still served through the
// drain delay while Kubernetes stops routing here; then the server stops
// accepting, in-flight requests (queued hashes included) finish, the pool
// closes. Past the deadline the process exits non-zero rather than hang a rollout.
closeWithGrace({ delay: config.shutdown.timeoutMs, logger: app.log }, async ({ signal, err }) => {
  if (err) {
    app.log.error({ err }, 'shutting down after an unexpected error')
  } else {
    app.log.info({ signal, drainDelayMs: config.shutdown.drainDelayMs }, 'shutting down')
  }
  // A second before the deadline, connections still open are closed: a client
  // that trickles its request in must not make the rollout kill the process.
  const { drainDelayMs, timeoutMs } = config.shutdown
  const cutOff = setTimeout(
    () => {
      app.log.warn('closing the connections still open at the shutdown deadline')
      app.server.closeAllConnections()
    },
    Math.max(drainDelayMs, timeoutMs - 1000),
  )
  cutOff.unref()
  if (!err) await app.drain(drainDelayMs)
  await app.close()
  clearTimeout(cutOff)
  app.log.info('shut down')
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
setServingHeapFlags()
