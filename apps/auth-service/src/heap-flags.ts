import { setFlagsFromString } from 'node:v8'

/**
 * Puts the start script's young-generation flag back to its default.
 *
 * Node compiles its own modules (http, tls, crypto, streams, …) from code
 * compiled when the binary was built, and V8 accepts that code only while
 * every V8 flag is at its default. With the start script's heap flags, each
 * start compiled all the 133 it loads from their source instead: about 6 % of
 * the instructions to ready (docs/performance.md).
 *
 * The young generation's size is read from --max-semi-space-size once, when
 * V8 sets up the heap, before any script runs: the heap keeps its 4 MB
 * semi-spaces. The entry point calls this before it loads the service, whose
 * packages load most of those modules (83 of them, then, precompiled); the
 * ones the entry itself needed, such as the ES module loader's, stay compiled
 * from source.
 */
export function restoreDefaultHeapFlags() {
  setFlagsFromString('--max-semi-space-size=0')
}

/**
 * Heap flags that only matter under load, set once the service listens: set
 * before, they would refuse Node's compiled code for the whole start too.
 * Modules Node loads after this are compiled from source, once each.
 */
export function setServingHeapFlags() {
  // A full collection once the old generation has grown 20 % past what
  // survived the last one; V8 otherwise lets it double or more. Under MariaDB
  // load the resident set peaked at 155–165 MB without, 118–119 MB with.
  setFlagsFromString('--heap-growing-percent=20')
}
