import { randomFillSync } from 'node:crypto'

const UUIDS_PER_BATCH = 256
const UUID_BYTES = 16
const UUID_LENGTH = 36
const HEX_DIGITS = '0123456789abcdef'
const DASH = 0x2d

/**
 * Random (version 4) UUIDs, made 256 at a time: their random bytes in one
 * call, their text in one string, each id a slice of it. `crypto.randomUUID`
 * joins each id from twenty strings, which V8 then copies into one before the
 * id is checked and written as a header; a request id is made for every
 * request, so that cost was on every request's path (docs/performance.md).
 */
export class RandomUuids {
  #batch = ''
  #offset = 0

  next(): string {
    if (this.#offset === this.#batch.length) {
      this.#batch = uuidBatch()
      this.#offset = 0
    }
    const uuid = this.#batch.slice(this.#offset, this.#offset + UUID_LENGTH)
    this.#offset += UUID_LENGTH
    return uuid
  }
}

function uuidBatch(): string {
  const random = randomFillSync(Buffer.alloc(UUID_BYTES * UUIDS_PER_BATCH))
  const text = Buffer.alloc(UUID_LENGTH * UUIDS_PER_BATCH)
  let at = 0
  for (let start = 0; start < random.length; start += UUID_BYTES) {
    for (let index = 0; index < UUID_BYTES; index++) {
      if (index === 4 || index === 6 || index === 8 || index === 10) text[at++] = DASH
      let byte = random[start + index] ?? 0
      // RFC 9562: version 4 in the high half of byte 6, variant 0b10 in the top bits of byte 8.
      if (index === 6) byte = (byte & 0x0f) | 0x40
      else if (index === 8) byte = (byte & 0x3f) | 0x80
      text[at++] = HEX_DIGITS.charCodeAt(byte >> 4)
      text[at++] = HEX_DIGITS.charCodeAt(byte & 0x0f)
    }
  }
  return text.toString('latin1')
}
