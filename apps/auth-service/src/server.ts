// The entry point. First: it must run before anything else makes tick objects (see the module).
import './tick-object-maps.js'
import { restoreDefaultHeapFlags } from './heap-flags.js'

restoreDefaultHeapFlags()
// Only now: the service's modules load most of Node's own as they load, and
// those are taken precompiled only with the flags back at their defaults.
await import('./service.js')
