import type { FastifyBaseLogger } from 'fastify'
import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino'

type Write = (...args: unknown[]) => void

/**
 * A logger that becomes a pino child only when it first writes a line. Most
 * requests write none (their access line is at debug), and making the child,
 * which serializes the request id into its bindings, was about 2 % of the CPU
 * under `invalid` load (docs/performance.md). The lines it writes are the
 * child's, bindings and all.
 *
 * The app's root logger is one without bindings, given to Fastify as its
 * logger instance, so that Fastify's own factory makes each request's logger
 * with `child`, lazily. A custom child logger factory would do the same, but
 * Fastify checks every logger such a factory makes for its seven methods,
 * which cost a request about as much as the pino child it saves.
 */
export class LazyLogger implements FastifyBaseLogger {
  readonly #parent: Logger
  readonly #bindings: Bindings | undefined
  #child: Logger | undefined

  /** Without bindings, the parent itself writes this logger's lines. */
  constructor(parent: Logger, bindings?: Bindings) {
    this.#parent = parent
    this.#bindings = bindings
    if (bindings === undefined) this.#child = parent
  }

  /** pino's levels: Fastify checks a route's or a plugin's `logLevel` against them at start. */
  get levels(): Logger['levels'] {
    return this.#parent.levels
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

  /**
   * Lazy when only bindings are given. A level, serializers or any other
   * option (a route's, or Fastify's own serializers) takes effect on a pino
   * child made at once, so no option is lost.
   */
  child(bindings: Bindings, options?: ChildLoggerOptions): LazyLogger {
    if (options !== undefined && hasAnyOption(options)) {
      return new LazyLogger(this.#logger().child(bindings, options))
    }
    return new LazyLogger(this.#logger(), bindings)
  }

  #logger(): Logger {
    this.#child ??= this.#parent.child(this.#bindings ?? {})
    return this.#child
  }

  #write(level: Level, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return
    const logger = this.#logger()
    ;(logger[level] as Write).apply(logger, args)
  }
}

// A loop rather than Object.keys: no array made on every request.
function hasAnyOption(options: ChildLoggerOptions): boolean {
  for (const _ in options) return true
  return false
}
