import { isIP } from 'node:net'
import path from 'node:path'
import { type DatabaseTarget, parseDatabaseUrl } from '@auth-service/db'
import type { SessionSettings, ShutdownSettings, TlsSettings } from './config.js'
import type { ConfigEnv } from './config-schema.js'

/** A setting that cannot be used: the message names the variable, never a secret. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

export function databaseTargetOf(url: string): DatabaseTarget {
  try {
    return parseDatabaseUrl(url)
  } catch (error) {
    throw new ConfigError(`invalid configuration: env/DATABASE_URL ${(error as Error).message}`)
  }
}

// proxy-addr's names for address ranges, as Fastify accepts them.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

export function trustProxyOf(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false
  if (value === 'true') return true
  if (/^\d+$/.test(value)) return Number(value)
  // Addresses and CIDR ranges separated by commas; checked here, or Fastify
  // would throw without naming the variable.
  for (const entry of value.split(',').map((part) => part.trim())) {
    const [address = '', prefix] = entry.split('/')
    const family = isIP(address)
    const prefixFits =
      prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32))
    if (!PROXY_RANGE_NAMES.has(entry) && (family === 0 || !prefixFits)) {
      throw new ConfigError(
        `invalid configuration: env/TRUST_PROXY: "${entry}" is not an address, a CIDR range, loopback, linklocal or uniquelocal`,
      )
    }
  }
  return value
}

export function redisUrlOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {}
  // The message never repeats the URL: it may hold a password.
  if (url === undefined || url.hostname === '') {
    throw new ConfigError(
      'invalid configuration: env/REDIS_URL must be redis://[user:password@]host[:port][/db] or rediss://…',
    )
  }
  return value
}

export function shutdownOf(parsed: ConfigEnv): ShutdownSettings {
  if (parsed.SHUTDOWN_TIMEOUT_MS <= parsed.SHUTDOWN_DRAIN_DELAY_MS) {
    throw new ConfigError(
      'invalid configuration: env/SHUTDOWN_TIMEOUT_MS must be longer than SHUTDOWN_DRAIN_DELAY_MS, or in-flight requests get no time to finish',
    )
  }
  return { drainDelayMs: parsed.SHUTDOWN_DRAIN_DELAY_MS, timeoutMs: parsed.SHUTDOWN_TIMEOUT_MS }
}

export function sessionsOf(parsed: ConfigEnv): SessionSettings {
  if (parsed.SESSION_IDLE_TTL > parsed.SESSION_TTL) {
    throw new ConfigError(
      'invalid configuration: env/SESSION_IDLE_TTL must not be longer than SESSION_TTL, the absolute session lifetime',
    )
  }
  return {
    ttlMs: parsed.SESSION_TTL * 1000,
    idleTtlMs: parsed.SESSION_IDLE_TTL * 1000,
    reuseGraceMs: parsed.REFRESH_REUSE_GRACE_SECONDS * 1000,
  }
}

export function tlsOf(parsed: ConfigEnv): TlsSettings | undefined {
  const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, TLS_CLIENT_CA_FILE: caFile } = parsed
  if (certFile === undefined && keyFile === undefined) {
    if (caFile === undefined) return undefined
    throw new ConfigError(
      'invalid configuration: env/TLS_CLIENT_CA_FILE needs TLS_CERT_FILE and TLS_KEY_FILE: client certificates are asked for over TLS',
    )
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new ConfigError(
      `invalid configuration: env/${certFile === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE'} must be set with ${certFile === undefined ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'}`,
    )
  }
  return {
    certFile: path.resolve(certFile),
    keyFile: path.resolve(keyFile),
    clientCaFile: resolvePath(caFile),
  }
}

export function resolvePath(file: string | undefined): string | undefined {
  return file === undefined ? undefined : path.resolve(file)
}
