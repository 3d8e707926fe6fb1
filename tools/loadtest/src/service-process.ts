import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

/** A server in a process of its own: the load generator must not share its event loop. */
export interface ServerProcess {
  origin: string
  /** Milliseconds from spawn to the first 200 from `readyPath`. */
  startToReadyMs: number
  /** The highest resident set size seen since the last call, in MB. */
  takePeakRssMb(): number
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** `node` arguments of the service's start script, as the image runs it, with absolute paths. */
export function serviceStartArguments(): string[] {
  const packageDir = new URL('../', import.meta.resolve('auth-service'))
  const { scripts } = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8')) as {
    scripts: { start: string }
  }
  const [node, ...args] = scripts.start.split(' ')
  if (node !== 'node') throw new Error(`the start script is not plain node: ${scripts.start}`)
  return args.map((arg) => (arg.startsWith('-') ? arg : fileURLToPath(new URL(arg, packageDir))))
}

function residentMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kilobytes = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN)
    return kilobytes / 1024
  } catch {
    return Number.NaN
  }
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: string[]) {
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the server exited with ${child.exitCode}: ${stderr.join('')}`)
    }
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    )
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Starts `node <args>` with exactly `env` (plus PATH) and waits for `readyPath`. */
export async function startServerProcess(
  nodeArguments: string[],
  env: Record<string, string>,
  readyPath: string,
): Promise<ServerProcess> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, nodeArguments, {
    env: { PATH: process.env.PATH ?? '', ...env, HOST: '127.0.0.1', PORT: String(port) },
    // The service logs every request, as in production; the lines go nowhere.
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const stderr: string[] = []
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk))
  const origin = `http://127.0.0.1:${port}`
  await waitUntilReady(`${origin}${readyPath}`, child, stderr)
  const startToReadyMs = performance.now() - started

  const pid = child.pid ?? 0
  let peak = residentMb(pid)
  const sampler = setInterval(() => {
    peak = Math.max(peak, residentMb(pid))
  }, 50)
  return {
    origin,
    startToReadyMs,
    takePeakRssMb() {
      const seen = Math.max(peak, residentMb(pid))
      peak = residentMb(pid)
      return seen
    },
    async stop() {
      clearInterval(sampler)
      if (child.exitCode !== null) return child.exitCode
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const [code] = await exited
      return code as number | null
    },
  }
}
