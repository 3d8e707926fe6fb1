import { randomFillSync } from 'node:crypto'

const UUIDS_PER_BATCH = 256
const UUID_BYTES = 16
const UUID_LENGTH = 36
const HEX_DIGITS = '0123456789abcdef'
// A byte's two hex digits as one little-endian 16-bit store: the first digit in the low byte.
const HEX_PAIRS = Uint16Array.from(
  { length: 256 },
  (_, byte) => HEX_DIGITS.charCodeAt(byte >> 4) | (HEX_DIGITS.charCodeAt(byte & 0x0f) << 8),
)
// Where each of a UUID's 16 bytes starts in its text; the dashes fill the gaps.
const BYTE_OFFSETS = Uint8Array.of(0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34)

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
  for (let start = 0; start < random.length; start += UUID_BYTES) {
    // RFC 9562: version 4 in the high half of byte 6, variant 0b10 in the top bits of byte 8.
    random[start + 6] = ((random[start + 6] ?? 0) & 0x0f) | 0x40
    random[start + 8] = ((random[start + 8] ?? 0) & 0x3f) | 0x80
  }
  const text = Buffer.alloc(UUID_LENGTH * UUIDS_PER_BATCH, '-')
  const pairs = new DataView(text.buffer, text.byteOffset, text.length)
  for (let byte = 0, at = 0; byte < random.length; at += UUID_LENGTH) {
    for (let index = 0; index < UUID_BYTES; index++, byte++) {
      pairs.setUint16(at + (BYTE_OFFSETS[index] ?? 0), HEX_PAIRS[random[byte] ?? 0] ?? 0, true)
    }
  }
  return text.toString('latin1')
}
