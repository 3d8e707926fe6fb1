import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { INFRA_DIR } from './manifests.js'

const REPOSITORY_ROOT = path.resolve(INFRA_DIR, '..')

/**
 * The image's `pnpm deploy`, as the Dockerfile runs it. Injected workspace
 * packages instead of `--legacy`: legacy deploy also writes a `node_modules/.bin`
 * under the workspace, at the target's path.
 */
export const DEPLOY_ARGUMENTS = [
  '--config.inject-workspace-packages=true',
  '--filter',
  'auth-service',
  'deploy',
  '--prod',
]

/** The service's compiled files and production dependencies, into `target`. */
export function deployServiceTo(target: string): void {
  // Under `pnpm test` this is the pnpm that runs us; alone, the pinned one.
  const pnpm = process.env.npm_execpath?.includes('pnpm')
    ? [process.execPath, process.env.npm_execpath]
    : ['npx', '--yes', 'pnpm@10.34.9']
  const [command = 'npx', ...args] = pnpm
  execFileSync(command, [...args, ...DEPLOY_ARGUMENTS, target], {
    cwd: REPOSITORY_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
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
