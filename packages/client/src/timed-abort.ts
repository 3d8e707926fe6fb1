/** An abort signal that follows a parent signal and also fires by itself after a time. */
export interface TimedAbort {
  signal: AbortSignal
  /** Whether it fired because its own time ran out (not because the parent aborted). */
  timedOut(): boolean
  /** Stops the timer and the parent listener; call it when the work is done. */
  dispose(): void
}

export function timedAbort(parent: AbortSignal | undefined, timeoutMs: number): TimedAbort {
  const controller = new AbortController()
  let expired = false
  const timer = setTimeout(
    () => {
      if (controller.signal.aborted) return
      expired = true
      controller.abort(new Error(`timed out after ${timeoutMs} ms`))
    },
    Math.max(0, timeoutMs),
  )
  const followParent = () => controller.abort(parent?.reason)
  if (parent?.aborted) followParent()
  else parent?.addEventListener('abort', followParent, { once: true })
  return {
    signal: controller.signal,
    timedOut: () => expired,
    dispose() {
      clearTimeout(timer)
      parent?.removeEventListener('abort', followParent)
    },
  }
}
