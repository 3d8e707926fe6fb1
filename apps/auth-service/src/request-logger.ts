import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'
import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino'

type Write = (...args: unknown[]) => void

/**
 * A request's logger that becomes a pino child only when it first writes a
 * line. Most requests write none (their access line is at debug), and making
 * the child, which serializes the request id into its bindings, was about
 * 2 % of the CPU under `invalid` load (docs/performance.md). The lines it
 * writes are the child's, bindings and all.
 */
export class LazyRequestLogger implements FastifyBaseLogger {
  readonly #parent: Logger
  readonly #bindings: Bindings
  #child: Logger | undefined

  constructor(parent: Logger, bindings: Bindings) {
    this.#parent = parent
    this.#bindings = bindings
  }

  get level(): string {
    return (this.#child ?? this.#parent).level
  }

  set level(level: string) {
    this.#logger().level = level
  }

  isLevelEnabled(level: string): boolean {
    return (this.#child ?? this.#parent).isLevelEnabled(level)
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args)
  }

  error(...args: unknown[]): void {
    this.#write('error', args)
  }

  warn(...args: unknown[]): void {
    this.#write('warn', args)
  }

  info(...args: unknown[]): void {
    this.#write('info', args)
  }

  debug(...args: unknown[]): void {
    this.#write('debug', args)
  }

  trace(...args: unknown[]): void {
    this.#write('trace', args)
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options)
  }

  #logger(): Logger {
    this.#child ??= this.#parent.child(this.#bindings)
    return this.#child
  }

  #write(level: Level, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return
    const logger = this.#logger()
    ;(logger[level] as Write).apply(logger, args)
  }
}

/**
 * Fastify's child logger factory, lazy where it can be. A route's own log
 * level, serializers or any other option (none here today) still get pino's
 * child at once, so no option is lost.
 */
export const lazyChildLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (
  logger,
  bindings,
  options,
) => {
  const pino = logger as Logger
  if (hasAnyOption(options)) return pino.child(bindings, options)
  return new LazyRequestLogger(pino, bindings)
}

// A loop rather than Object.keys: no array made on every request.
function hasAnyOption(options: ChildLoggerOptions): boolean {
  for (const _ in options) return true
  return false
}
