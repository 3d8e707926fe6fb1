import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { parseAllDocuments } from 'yaml'

export const INFRA_DIR = path.resolve(import.meta.dirname, '../..')
/**
 * What the tests render, relative to infra/: the deployable directories, and
 * prod with mutual TLS turned on, which no overlay does yet.
 */
export const OVERLAYS = [
  'k8s/base',
  'k8s/overlays/dev',
  'k8s/overlays/prod',
  'test/fixtures/prod-mutual-tls',
] as const
export type Overlay = (typeof OVERLAYS)[number]

/** A rendered Kubernetes object, loosely typed: the tests check its shape. */
export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string> }
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field
  spec?: any
  data?: Record<string, string>
}

// biome-ignore lint/suspicious/noExplicitAny: a container spec from the rendered YAML
export type Container = any

/** Why the rendering tests cannot run here, or false when they can. */
export function kubectlMissing(): string | false {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' })
    return false
  } catch {
    return 'kubectl is not installed: the manifests cannot be rendered'
  }
}

/** `kubectl kustomize` of one directory under infra/, parsed. */
export function render(overlay: Overlay): KubeObject[] {
  const output = execFileSync('kubectl', ['kustomize', path.join(INFRA_DIR, overlay)], {
    encoding: 'utf8',
  })
  return parseAllDocuments(output).map((document) => document.toJS() as KubeObject)
}

export function findObject(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name)
  if (found === undefined) throw new Error(`no ${kind} ${name} in the rendered manifests`)
  return found
}

/** A generated ConfigMap: its name, then the hash of its contents that kustomize appends. */
export function generatedConfigMap(objects: KubeObject[], name: string): KubeObject {
  const found = objects.find(
    (o) => o.kind === 'ConfigMap' && new RegExp(`^${name}-[a-z0-9]{10}$`).test(o.metadata.name),
  )
  if (found === undefined) throw new Error(`no generated ${name} ConfigMap`)
  return found
}

export function settingsConfigMap(objects: KubeObject[]): KubeObject {
  return generatedConfigMap(objects, 'auth-service-settings')
}

/** Every variable a container would see: the settings ConfigMap's keys and its own env. */
export function environmentOf(container: Container, settings: KubeObject): Map<string, string> {
  const env = new Map<string, string>()
  for (const source of container.envFrom ?? []) {
    if (!source.configMapRef?.name.startsWith('auth-service-settings')) {
      throw new Error(`unexpected envFrom ${JSON.stringify(source)}`)
    }
    for (const [name, value] of Object.entries(settings.data ?? {})) env.set(name, value)
  }
  for (const variable of container.env ?? []) {
    // A value from a Secret: a stand-in that the schema accepts.
    const standIn = variable.name === 'REDIS_URL' ? 'redis://redis:6379' : 'mysql://u@db/auth'
    env.set(variable.name, variable.value ?? standIn)
  }
  return env
}
