import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { INFRA_DIR } from './manifests.js'

const REPOSITORY_ROOT = path.resolve(INFRA_DIR, '..')

/**
 * The image's build step, `pnpm deploy --prod`, into `target`: the service's
 * compiled files and its production dependencies, nothing else.
 */
export function deployServiceTo(target: string): void {
  // Under `pnpm test` this is the pnpm that runs us; alone, the pinned one.
  const pnpm = process.env.npm_execpath?.includes('pnpm')
    ? [process.execPath, process.env.npm_execpath]
    : ['npx', '--yes', 'pnpm@10.34.9']
  const [command = 'npx', ...args] = pnpm
  execFileSync(
    command,
    [...args, '--filter', 'auth-service', 'deploy', '--prod', '--legacy', target],
    { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  )
}

/** settings.env, the ConfigMap the manifests give the service, as variables. */
export function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const separator = line.indexOf('=')
      return [line.slice(0, separator), line.slice(separator + 1)] as const
    })
  return Object.fromEntries(entries)
}
