import type { Test } from 'tap'
import {
  type AuthServiceClient,
  type AuthServiceClientOptions,
  createAuthServiceClient,
} from '../../src/index.js'
import { type FaultProxy, type FaultProxyOptions, startFaultProxy } from './fault-proxy.js'
import type { RunningService } from './running-service.js'

/** Retries that wait milliseconds, not seconds. */
export const fast = { retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 } }

export interface ProxiedClient {
  proxy: FaultProxy
  client: AuthServiceClient
}

/** A proxy in front of the service, and a client of the proxy; both closed at the end. */
export async function behindProxy(
  service: RunningService,
  options: Omit<FaultProxyOptions, 'target'>,
  clientOptions: Partial<AuthServiceClientOptions> = {},
): Promise<ProxiedClient> {
  const proxy = await startFaultProxy({ target: service.origin, ...options })
  service.onEnd(() => proxy.close())
  const client = createAuthServiceClient({ origin: proxy.origin, ...fast, ...clientOptions })
  service.onEnd(() => client.close())
  return { proxy, client }
}

/** A proxy with no service behind it, and a client of it; both closed when `t` ends. */
export async function lonelyProxy(
  t: Test,
  options: FaultProxyOptions,
  clientOptions: Partial<AuthServiceClientOptions> = {},
): Promise<ProxiedClient> {
  const proxy = await startFaultProxy(options)
  const client = createAuthServiceClient({ origin: proxy.origin, ...fast, ...clientOptions })
  t.teardown(async () => {
    await client.close()
    await proxy.close()
  })
  return { proxy, client }
}
