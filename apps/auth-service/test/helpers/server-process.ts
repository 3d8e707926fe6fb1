import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'

const SERVER = path.resolve(import.meta.dirname, '../../src/server.ts')

export interface StartedServer {
  child: ChildProcess
  lines: string[]
  /** Resolves with the first log line matching `pattern`. */
  waitForLine(pattern: RegExp): Promise<string>
  /** Resolves with the base URL once the server listens. */
  origin(): Promise<string>
}

/** Runs the real entry point in a child process, on a free port. */
export function startServer(env: Record<string, string>): StartedServer {
  const child = spawn(process.execPath, ['--import=tsx', SERVER], {
    // No drain delay unless a test asks for one: nothing routes to a test server.
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', SHUTDOWN_DRAIN_DELAY_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const waiters: Array<{ pattern: RegExp; resolve(line: string): void }> = []
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line)
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(line)
      }
    })
  }
  const waitForLine = (pattern: RegExp) => {
    const seen = lines.find((line) => pattern.test(line))
    if (seen) return Promise.resolve(seen)
    return new Promise<string>((resolve) => waiters.push({ pattern, resolve }))
  }
  return {
    child,
    lines,
    waitForLine,
    async origin() {
      const listening = JSON.parse(await waitForLine(/Server listening/))
      const origin = /https?:\/\/[\d.]+:\d+/.exec(listening.msg)?.[0]
      if (origin === undefined) throw new Error(`no address in ${listening.msg}`)
      return origin
    },
  }
}
