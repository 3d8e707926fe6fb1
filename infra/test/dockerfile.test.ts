import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { DEPLOY_ARGUMENTS } from './helpers/deploy.js'
import { INFRA_DIR } from './helpers/manifests.js'

// No Docker engine runs in CI: check the Dockerfile against what the rest of
// the repository assumes about the image.
const dockerfile = readFileSync(path.join(INFRA_DIR, 'docker/Dockerfile'), 'utf8')
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
const instruction = (name: string) =>
  new RegExp(`^${name} (.+)$`, 'm').exec(runtimeStage)?.[1] ?? ''
const scripts = JSON.parse(
  readFileSync(path.join(INFRA_DIR, '../apps/auth-service/package.json'), 'utf8'),
).scripts as Record<string, string>
const deployment = parse(readFileSync(path.join(INFRA_DIR, 'k8s/base/deployment.yaml'), 'utf8'))

t.test('the runtime stage runs the start script under tini', async (t) => {
  t.same(JSON.parse(instruction('CMD')), scripts.start?.split(' '))
  t.same(JSON.parse(instruction('ENTRYPOINT')), ['/usr/bin/tini', '--'])
  t.ok(dockerfile.includes(`pnpm ${DEPLOY_ARGUMENTS.join(' ')} /out`), 'the tested pnpm deploy')
  t.match(runtimeStage, /COPY --from=build \/out \/app/, 'only the deployed package is copied')
  t.notMatch(runtimeStage, /tsx|pnpm install/, 'nothing is installed or compiled at runtime')
})

t.test('the image user is the one the manifests require', async (t) => {
  const [user, group] = instruction('USER').split(':').map(Number)
  const { securityContext } = deployment.spec.template.spec
  t.ok(user !== undefined && user > 0, 'not root, and numeric so runAsNonRoot can verify it')
  t.equal(user, securityContext.runAsUser)
  t.equal(group, securityContext.runAsGroup)
})

t.test('the build context leaves out local state and secrets', async (t) => {
  const ignored = readFileSync(path.join(INFRA_DIR, '../.dockerignore'), 'utf8').split('\n')
  for (const pattern of [
    '**/node_modules',
    '**/dist',
    '**/.env',
    '**/*.pem',
    '**/*.sqlite',
    '.git',
  ]) {
    t.ok(ignored.includes(pattern), pattern)
  }
})
