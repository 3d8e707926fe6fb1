import { availableParallelism } from 'node:os'
import bcrypt from 'bcrypt'

// A wait in line longer than this is worse than a quick 503 the caller can retry.
export const TARGET_MAX_WAIT_MS = 2000

/**
 * How long one hash takes at `cost` on this machine: hashes at a cost of at
 * most 7 are timed and scaled, since each step of cost doubles the work. It
 * costs about 30 ms at start instead of a full hash. The first call is not
 * timed: it pays for loading the thread pool, which scaled by the cost would
 * make the estimate several times too long. In five runs, probes at cost 7
 * read within 5 % of a hash at cost 12, as those at cost 8 did in twice the
 * time; those at cost 6 read up to 11 % long.
 */
export async function estimateHashMs(cost: number): Promise<number> {
  const probeCost = Math.min(cost, 7)
  await bcrypt.hash('a warm-up', 4)
  const samples: number[] = []
  for (let probe = 0; probe < 3; probe++) {
    const started = performance.now()
    await bcrypt.hash('a probe of the machine speed', probeCost)
    samples.push(performance.now() - started)
  }
  const median = samples.sort((a, b) => a - b)[1] ?? Number.NaN
  return median * 2 ** (cost - probeCost)
}

/** How many hashes run side by side: no more than the slots, nor than the cores. */
export function hashParallelism(concurrency: number): number {
  return Math.max(1, Math.min(concurrency, availableParallelism()))
}

/** The queue length whose last entry waits about TARGET_MAX_WAIT_MS. */
export function defaultQueueLimit(hashMs: number, concurrency: number): number {
  return Math.max(1, Math.floor((TARGET_MAX_WAIT_MS * hashParallelism(concurrency)) / hashMs))
}
