import { readFileSync } from 'node:fs'
import path from 'node:path'
import { PROBE_PATHS } from '@auth-service/shared'
import { ConfigSchema, loadConfig } from 'auth-service/config'
import t from 'tap'
import { validateAgainstSchema } from './helpers/kube-schemas.js'
import {
  type Container,
  environmentOf,
  findObject,
  INFRA_DIR,
  kubectlMissing,
  OVERLAYS,
  render,
  settingsConfigMap,
} from './helpers/manifests.js'

const skip = kubectlMissing()
if (skip) t.comment(`skipping the manifest tests: ${skip}`)

const servicePackage = JSON.parse(
  readFileSync(path.join(INFRA_DIR, '../apps/auth-service/package.json'), 'utf8'),
) as { scripts: Record<string, string> }

const SERVER_LABELS = {
  'app.kubernetes.io/name': 'auth-service',
  'app.kubernetes.io/component': 'server',
}
const REQUIRED_SECRETS = ['auth-service-database', 'auth-service-token-signing-key']

const cores = (quantity: string) =>
  quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity)
const mebibytes = (quantity: string) => {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity)
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`)
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1)
}
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value)

for (const overlay of OVERLAYS) {
  t.test(overlay, { skip }, async (t) => {
    const objects = render(overlay)
    const deployment = findObject(objects, 'Deployment', 'auth-service')
    const job = findObject(objects, 'Job', 'auth-service-migrate')
    const settings = settingsConfigMap(objects)
    const pod = deployment.spec.template.spec
    const server: Container = pod.containers.find((c: Container) => c.name === 'auth-service')
    const [waitForMigrations]: Container[] = pod.initContainers
    const serverEnv = environmentOf(server, settings)
    const config = loadConfig(Object.fromEntries(serverEnv))

    t.test('every object is valid against the Kubernetes schemas', async (t) => {
      for (const object of objects) {
        t.doesNotThrow(
          () => validateAgainstSchema(object),
          `${object.kind} ${object.metadata.name}`,
        )
      }
    })

    t.test('every variable set is one the config schema knows, with a valid value', async (t) => {
      const known = Object.keys(ConfigSchema.properties)
      for (const container of [server, waitForMigrations, ...job.spec.template.spec.containers]) {
        for (const name of environmentOf(container, settings).keys()) {
          t.ok(known.includes(name), `${container.name}: ${name} is in ConfigSchema`)
        }
      }
      t.doesNotThrow(() => loadConfig(Object.fromEntries(environmentOf(server, settings))))
    })

    t.test('probes use the service’s own endpoints and port', async (t) => {
      const port = server.ports.find((p: Container) => p.name === 'http')
      t.equal(port.containerPort, config.port, 'containerPort is PORT')
      t.equal(config.host, '0.0.0.0', 'listens beyond loopback')
      // With TLS_CERT_FILE the service speaks HTTPS only.
      const scheme = config.tls === undefined ? {} : { scheme: 'HTTPS' }
      const probe = (path: string) => ({ path, port: 'http', ...scheme })
      t.same(server.startupProbe.httpGet, probe(PROBE_PATHS.liveness), 'startup')
      t.same(server.livenessProbe.httpGet, probe(PROBE_PATHS.liveness), 'liveness')
      t.same(server.readinessProbe.httpGet, probe(PROBE_PATHS.readiness), 'readiness')
      const service = findObject(objects, 'Service', 'auth-service')
      t.equal(service.spec.type, 'ClusterIP')
      t.equal(service.spec.ports[0].targetPort, 'http')
      t.ok(matches(service.spec.selector, deployment.spec.template.metadata.labels))
      t.notOk(
        matches(service.spec.selector, job.spec.template.metadata.labels),
        'the Service does not route to the migration Job',
      )
    })

    t.test('the grace period outlasts the service’s own shutdown deadline', async (t) => {
      const { drainDelayMs, timeoutMs } = config.shutdown
      t.ok(drainDelayMs >= 5000, 'the drain delay gives endpoints time to drop the pod')
      t.ok(drainDelayMs < timeoutMs, 'the drain delay fits inside the shutdown deadline')
      t.ok(
        pod.terminationGracePeriodSeconds * 1000 >= timeoutMs + 2000,
        `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} s > SHUTDOWN_TIMEOUT_MS ${timeoutMs} ms`,
      )
    })

    t.test('resources follow the hashing settings', async (t) => {
      const { requests, limits } = server.resources
      const hashConcurrency = Number(serverEnv.get('HASH_CONCURRENCY'))
      t.ok(hashConcurrency >= 1, 'HASH_CONCURRENCY is set, not guessed from the node’s cores')
      if (overlay !== 'k8s/overlays/dev') {
        t.ok(cores(requests.cpu) >= hashConcurrency, 'a guaranteed core per concurrent hash')
      }
      t.ok(cores(limits.cpu) >= cores(requests.cpu))
      t.ok(Number(serverEnv.get('UV_THREADPOOL_SIZE')) >= hashConcurrency)
      // Measured: about 90 MB of the service’s memory lives outside the V8 heap.
      const heapLimit = Number(serverEnv.get('MAX_HEAP_USED_MB'))
      t.ok(heapLimit > 0, 'sheds load on heap use')
      t.ok(heapLimit + 128 <= mebibytes(limits.memory), 'sheds load before the OOM killer')
    })

    t.test('pods run unprivileged on a read-only root filesystem', async (t) => {
      for (const template of [deployment.spec.template, job.spec.template]) {
        const spec = template.spec
        t.equal(spec.securityContext.runAsNonRoot, true)
        t.equal(spec.securityContext.seccompProfile.type, 'RuntimeDefault')
        t.equal(spec.automountServiceAccountToken, false)
        for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
          t.equal(container.securityContext.readOnlyRootFilesystem, true)
          t.equal(container.securityContext.allowPrivilegeEscalation, false)
          t.same(container.securityContext.capabilities.drop, ['ALL'])
          const tmp = container.volumeMounts.find((m: Container) => m.mountPath === '/tmp')
          t.ok(tmp, `${container.name} has a writable /tmp`)
        }
      }
    })

    t.test('the migration Job runs the real migrate command from the same image', async (t) => {
      const [migrate] = job.spec.template.spec.containers
      t.same(migrate.args, servicePackage.scripts.migrate?.split(' '))
      t.notOk(migrate.command, 'the image’s entrypoint (tini) stays in front')
      t.equal(migrate.image, server.image)
      t.equal(job.spec.template.spec.restartPolicy, 'Never')
      t.notOk(server.command ?? server.args, 'the server runs the image’s CMD, the start script')
      t.same(waitForMigrations.args, [...migrate.args, '--wait'], 'pods wait for the Job’s work')
      t.equal(waitForMigrations.image, server.image)
    })

    t.test('replicas, spreading, autoscaling and disruption budget', async (t) => {
      const minimum = overlay === 'k8s/overlays/dev' ? 1 : 2
      t.equal(deployment.spec.replicas, undefined, 'the autoscaler alone sets the count')
      t.ok(matches(deployment.spec.selector.matchLabels, SERVER_LABELS))
      t.ok(pod.topologySpreadConstraints.length > 0)
      for (const constraint of pod.topologySpreadConstraints) {
        t.ok(
          matches(constraint.labelSelector.matchLabels, deployment.spec.template.metadata.labels),
        )
      }
      const autoscaler = findObject(objects, 'HorizontalPodAutoscaler', 'auth-service')
      t.same(autoscaler.spec.scaleTargetRef, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'auth-service',
      })
      t.equal(autoscaler.spec.metrics[0].resource.name, 'cpu')
      t.ok(autoscaler.spec.minReplicas >= minimum)
      const budget = findObject(objects, 'PodDisruptionBudget', 'auth-service')
      t.ok(matches(budget.spec.selector.matchLabels, deployment.spec.template.metadata.labels))
      if (budget.spec.minAvailable !== undefined) {
        t.ok(budget.spec.minAvailable < autoscaler.spec.minReplicas, 'a node can still drain')
      }
    })

    t.test('the network policy admits callers and reaches only DNS, MySQL and Redis', async (t) => {
      const policy = findObject(objects, 'NetworkPolicy', 'auth-service')
      t.ok(matches(policy.spec.podSelector.matchLabels, deployment.spec.template.metadata.labels))
      t.ok(matches(policy.spec.podSelector.matchLabels, job.spec.template.metadata.labels))
      t.same(policy.spec.policyTypes, ['Ingress', 'Egress'])
      t.same(policy.spec.ingress[0].from[0].podSelector.matchLabels, {
        'auth-service/caller': 'true',
      })
      t.same(policy.spec.ingress[0].ports, [{ protocol: 'TCP', port: 'http' }])
      const egressPorts = policy.spec.egress.flatMap((rule: Container) =>
        rule.ports.map((p: Container) => p.port),
      )
      t.same([...new Set(egressPorts)].sort(), [3306, 53, 6379].sort())
    })

    t.test('secrets are referenced, never written into the base or prod', async (t) => {
      const referenced = new Set<string>()
      for (const variable of server.env) {
        if (variable.valueFrom?.secretKeyRef) referenced.add(variable.valueFrom.secretKeyRef.name)
      }
      for (const volume of pod.volumes.filter((v: Container) => v.secret)) {
        referenced.add(volume.secret.secretName)
        // The kubelet writes Secret files as root: readable by all, or by fsGroup.
        const mode = volume.secret.defaultMode ?? 0o644
        const readable =
          (mode & 0o004) !== 0 ||
          ((mode & 0o040) !== 0 && pod.securityContext.fsGroup === pod.securityContext.runAsGroup)
        t.ok(readable, `the service’s user can read ${volume.name}`)
      }
      const names = [...referenced].map((name) => name.replace(/-[a-z0-9]{10}$/, ''))
      const expected = overlay === 'k8s/overlays/dev' ? ['auth-service-database'] : REQUIRED_SECRETS
      for (const name of expected) t.ok(names.includes(name), `${name} is referenced`)
      const secrets = objects.filter((o) => o.kind === 'Secret')
      if (overlay === 'k8s/overlays/dev') {
        for (const name of referenced) {
          t.ok(
            secrets.some((s) => s.metadata.name === name),
            `dev generates ${name}`,
          )
        }
      } else {
        t.same(secrets, [], 'no Secret objects: the cluster provides them')
        t.notOk(serverEnv.get('DATABASE_URL')?.includes('@mysql:'), 'no in-cluster database')
      }
    })
  })
}
