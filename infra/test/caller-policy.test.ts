import path from 'node:path'
import { isPermission } from '@auth-service/shared'
import { loadConfig } from 'auth-service/config'
import t from 'tap'
import { parse as parseYaml } from 'yaml'
import {
  type Container,
  environmentOf,
  findObject,
  generatedConfigMap,
  kubectlMissing,
  OVERLAYS,
  render,
  settingsConfigMap,
} from './helpers/manifests.js'

const skip = kubectlMissing()
if (skip) t.comment(`skipping the caller-policy tests: ${skip}`)

const POLICY_CONFIG_MAP = 'auth-service-caller-policy'

/** The grants of a policy file, in the one shape the service reads; throws on any other. */
function grantsOf(text: string): [identity: string, granted: unknown[]][] {
  const document = parseYaml(text) ?? {}
  const callers = document.callers
  if (
    Object.keys(document).join() !== 'callers' ||
    typeof callers !== 'object' ||
    callers === null ||
    Array.isArray(callers)
  ) {
    throw new Error('a policy holds one object, `callers`, mapping identities to permissions')
  }
  return Object.entries(callers).map(([identity, granted]) => {
    if (!Array.isArray(granted)) throw new Error(`${identity} is granted something but a list`)
    return [identity, granted]
  })
}

for (const overlay of OVERLAYS) {
  t.test(overlay, { skip }, async (t) => {
    const objects = render(overlay)
    const policy = generatedConfigMap(objects, POLICY_CONFIG_MAP)
    const settings = settingsConfigMap(objects)
    const pod = findObject(objects, 'Deployment', 'auth-service').spec.template.spec
    const job = findObject(objects, 'Job', 'auth-service-migrate').spec.template.spec
    const server: Container = pod.containers.find((c: Container) => c.name === 'auth-service')
    const others: Container[] = [
      ...pod.initContainers,
      ...pod.containers.filter((c: Container) => c !== server),
      ...job.containers,
    ]
    const volume = pod.volumes.find((v: Container) => v.configMap?.name === policy.metadata.name)
    const mounts = server.volumeMounts.filter((m: Container) => m.name === volume?.name)

    t.test('the pods name the policy ConfigMap by its content hash', async (t) => {
      t.ok(volume, `a volume names ${policy.metadata.name}: a change to the policy rolls the pods`)
      t.notOk(volume?.configMap.optional, 'a pod without its policy does not start')
      t.notOk(
        job.volumes.some((v: Container) => v.configMap?.name === policy.metadata.name),
        'the migration Job has no use for it',
      )
    })

    t.test('the policy grants only permissions the service knows', async (t) => {
      const files = Object.entries(policy.data ?? {})
      t.equal(files.length, 1, 'one policy file')
      for (const [file, text] of files) {
        const grants = grantsOf(text)
        t.ok(grants.length > 0, `${file} grants something`)
        for (const [identity, granted] of grants) {
          t.ok(identity !== '' && identity === identity.trim(), `"${identity}" is an identity`)
          for (const permission of granted) {
            t.ok(isPermission(permission), `${identity}: ${permission} is a permission`)
          }
        }
      }
    })

    t.test('only the server mounts the policy, read-only', async (t) => {
      t.equal(mounts.length, 1, 'the server mounts it once')
      t.equal(mounts[0]?.readOnly, true, 'read-only')
      t.notOk(mounts[0]?.subPath, 'the whole ConfigMap: each key is a file of the mount')
      for (const container of others) {
        const mounted = container.volumeMounts?.some((m: Container) => m.name === volume?.name)
        t.notOk(mounted, `${container.name} does not mount it`)
      }
    })

    t.test('CALLER_POLICY_FILE comes with mutual TLS and names the mounted policy', async (t) => {
      const env = environmentOf(server, settings)
      const policyFile = env.get('CALLER_POLICY_FILE')
      // One without the other: the start is refused, or every caller with a
      // certificate may do all but sessions:manage.
      t.equal(
        policyFile !== undefined,
        env.has('TLS_CLIENT_CA_FILE'),
        'set exactly where TLS_CLIENT_CA_FILE is',
      )
      if (policyFile !== undefined) {
        const files = Object.keys(policy.data ?? {}).map((key) =>
          path.posix.join(mounts[0]?.mountPath ?? '', key),
        )
        t.ok(files.includes(policyFile), `${policyFile} is a file of the policy mount`)
      }
      for (const container of [server, ...others]) {
        const containerEnv = Object.fromEntries(environmentOf(container, settings))
        if (container !== server) {
          t.notOk(containerEnv.CALLER_POLICY_FILE, `${container.name} has no policy to read`)
        }
        t.doesNotThrow(() => loadConfig(containerEnv), `${container.name} passes the start check`)
      }
    })
  })
}
