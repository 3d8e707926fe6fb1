import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { parseAllDocuments } from 'yaml'

export const INFRA_DIR = path.resolve(import.meta.dirname, '../..')
export const OVERLAYS = ['base', 'overlays/dev', 'overlays/prod'] as const
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

/** Why the rendering tests cannot run here, or false when they can. */
export function kubectlMissing(): string | false {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' })
    return false
  } catch {
    return 'kubectl is not installed: the manifests cannot be rendered'
  }
}

/** `kubectl kustomize` of one directory under infra/k8s, parsed. */
export function render(overlay: Overlay): KubeObject[] {
  const output = execFileSync('kubectl', ['kustomize', path.join(INFRA_DIR, 'k8s', overlay)], {
    encoding: 'utf8',
  })
  return parseAllDocuments(output).map((document) => document.toJS() as KubeObject)
}

export function findObject(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name)
  if (found === undefined) throw new Error(`no ${kind} ${name} in the rendered manifests`)
  return found
}

/** The generated ConfigMap's name carries a content hash: match its prefix. */
export function settingsConfigMap(objects: KubeObject[]): KubeObject {
  const found = objects.find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('auth-service-settings-'),
  )
  if (found === undefined) throw new Error('no auth-service-settings ConfigMap')
  return found
}
