import { setFlagsFromString } from 'node:v8'

/*
 * Node compiles its own modules (http, tls, crypto, zlib, …) from code
 * compiled when the binary was built, and V8 accepts that code only while
 * every V8 flag is at its default. With the start script's heap flags, each
 * start compiled those modules from their source instead: about 60 ms of CPU
 * in a 570 ms start against MariaDB (docs/performance.md).
 *
 * The young generation's size is read from --max-semi-space-size once, when
 * V8 sets up the heap, before any script runs. So the flag goes back to its
 * default here, first thing: the heap keeps its 4 MB semi-spaces, and the
 * compiled code is accepted again. The entry point imports this module before
 * any package, since packages load most of Node's modules as they load.
 */
setFlagsFromString('--max-semi-space-size=0')

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
