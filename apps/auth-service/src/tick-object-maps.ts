import { executionAsyncResource } from 'node:async_hooks'

/**
 * One of `process.nextTick`'s own tick objects, kept for the life of the
 * process so that V8 keeps the hidden classes (maps) of every tick object.
 *
 * Node builds each tick object as an object literal with computed keys. At
 * each of those keys V8 remembers the one map it saw there first, and once it
 * sees another it gives the key up for good: optimized code then calls into
 * V8's runtime at that key for every tick object, and a request makes
 * several. The maps are held weakly: a full garbage collection while no tick
 * is queued frees them, and the next tick object is given new ones. During
 * start-up that happened in every service process profiled, and under the
 * `invalid` load those runtime calls took 6-9 % of the main thread
 * (docs/performance.md). A tick object that is never freed holds the maps.
 *
 * The entry point imports this module before anything else, so that the
 * object is made before V8 first records those maps. The state is the
 * module's on purpose: it belongs to the process, not to an app, and must
 * exist before any app is built.
 */
const keptTickObjects: object[] = []

process.nextTick(() => {
  keptTickObjects.push(executionAsyncResource())
})

/** The kept tick object, once the tick that keeps it has run. */
export function keptTickObject(): object | undefined {
  return keptTickObjects[0]
}
