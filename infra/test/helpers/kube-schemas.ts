import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2'
import { Job } from 'kubernetes-models/batch/v1'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1'
import type { KubeObject } from './manifests.js'

interface Validatable {
  validate(): void
}

/** The kinds the manifests use, by `apiVersion/kind`; anything else is an error. */
const MODELS: Record<string, new (data: never) => Validatable> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
}

/** Throws with the schema's complaint when `object` is not a valid Kubernetes object. */
export function validateAgainstSchema(object: KubeObject): void {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`]
  if (Model === undefined) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`)
  new Model(object as never).validate()
}
