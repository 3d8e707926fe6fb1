export interface WorkQueueOptions {
  /** Tasks running at once. */
  concurrency: number
  /** Tasks that may wait for a slot; past this, `run` refuses at once. */
  queueLimit: number
}

export interface WorkQueue {
  /** Runs `task` when a slot is free; throws WorkQueueFull, without running it, when the queue is full. */
  run<T>(task: () => Promise<T>): Promise<T>
  readonly running: number
  readonly waiting: number
  /** Resolves when nothing runs or waits. */
  idle(): Promise<void>
}

export class WorkQueueFull extends Error {
  override readonly name = 'WorkQueueFull'
}

/** A semaphore with a bounded line in front of it. */
export function createWorkQueue({ concurrency, queueLimit }: WorkQueueOptions): WorkQueue {
  let running = 0
  const waiting: Array<() => void> = []
  let idleWaiters: Array<() => void> = []

  function release() {
    const next = waiting.shift()
    // The slot passes straight to the next in line, so `running` is unchanged.
    if (next) return next()
    running--
    if (running === 0) {
      for (const resolve of idleWaiters) resolve()
      idleWaiters = []
    }
  }

  return {
    async run(task) {
      if (running < concurrency) running++
      else if (waiting.length < queueLimit)
        await new Promise<void>((resolve) => waiting.push(resolve))
      else throw new WorkQueueFull('the work queue is full')
      try {
        return await task()
      } finally {
        release()
      }
    },
    get running() {
      return running
    },
    get waiting() {
      return waiting.length
    },
    idle() {
      return running === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))
    },
  }
}
