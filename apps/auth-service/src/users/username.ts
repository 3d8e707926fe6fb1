import { InvalidUsername } from '@auth-service/shared'
import type { FastifyError } from 'fastify'
import { fixedRefusal } from '../errors/fixed-refusal.js'

export interface Username {
  /** What the caller sent, NFC-normalized: how the name is shown. */
  display: string
  /** NFKC, lower case, one sigma: what decides whether two names are the same user. */
  canonical: string
}

const MIN_LENGTH = 3
const MAX_LENGTH = 32
// The canonical form can be longer than the display form (NFKC expands
// ligatures and compatibility characters); this is its column's width.
const MAX_CANONICAL_LENGTH = 128
const FIRST_CHARACTER = /^[\p{L}\p{Nd}]/u
// Combining marks are allowed only after a letter, at most four in a row:
// NFC cannot compose every script's letters into single code points
// (Devanagari vowel signs, for one), but a mark must not stand alone or pile up.
const CHARACTERS = /^(?:\p{L}\p{M}{0,4}|\p{Nd}|[._-])*$/u
// Invisible characters (joiners, variation selectors, Hangul fillers) would
// let two names that look the same belong to different users.
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u
// A name that passes every rule without leaving ASCII: NFC and NFKC leave
// ASCII as it is, and no ASCII character is invisible or a mark, so for these
// names the rules come down to this pattern (canonicalUsername takes its own
// shortcut for ASCII). It spares most registrations two normalizations and
// five patterns.
const PLAIN_ASCII_NAME = new RegExp(
  `^[A-Za-z0-9][A-Za-z0-9._-]{${MIN_LENGTH - 1},${MAX_LENGTH - 1}}$`,
)
// Nothing above U+007F: every such string is its own NFKC form.
const ASCII = /^[^\u0080-\uffff]*$/

const refusals = {
  length: fixedRefusal(InvalidUsername, `must be ${MIN_LENGTH} to ${MAX_LENGTH} characters long`),
  firstCharacter: fixedRefusal(InvalidUsername, 'must start with a letter or a digit'),
  characters: fixedRefusal(InvalidUsername, 'may contain only letters, digits, ".", "_" and "-"'),
  compatibilityForm: fixedRefusal(
    InvalidUsername,
    'its compatibility form (NFKC) breaks the character rules',
  ),
}

/**
 * Normalizes a username and applies the rules: the username, or InvalidUsername
 * naming the broken rule, returned rather than thrown, so registration can
 * answer a refusal without the cost of a throw (see registerUser). The
 * canonical form is computed here, in code, rather than left to a database
 * collation, so MySQL and SQLite agree on who is who.
 */
export function checkUsername(raw: string): Username | FastifyError {
  if (PLAIN_ASCII_NAME.test(raw)) return { display: raw, canonical: canonicalUsername(raw) }
  return checkUnicodeUsername(raw)
}

/** checkUsername's rules for any text, without the shortcut for plain ASCII names. */
export function checkUnicodeUsername(raw: string): Username | FastifyError {
  const display = raw.normalize('NFC')
  const length = [...display].length
  if (length < MIN_LENGTH || length > MAX_LENGTH) {
    return refusals.length()
  }
  if (!FIRST_CHARACTER.test(display)) {
    return refusals.firstCharacter()
  }
  if (INVISIBLE.test(display) || !CHARACTERS.test(display)) {
    return refusals.characters()
  }
  const canonical = canonicalUsername(display)
  const canonicalFits = [...canonical].length <= MAX_CANONICAL_LENGTH
  if (!canonicalFits || !FIRST_CHARACTER.test(canonical) || !CHARACTERS.test(canonical)) {
    return refusals.compatibilityForm()
  }
  return { display, canonical }
}

/** checkUsername, throwing the refusal. */
export function parseUsername(raw: string): Username {
  const username = checkUsername(raw)
  if (username instanceof Error) throw username
  return username
}

/**
 * NFKC then lower case. Lower-casing Σ gives ς at the end of a word and σ
 * elsewhere, so "ΟΔΥΣΣΕΥΣ" and "οδυσσευσ" would differ: ς is folded to σ.
 */
export function canonicalUsername(name: string): string {
  if (ASCII.test(name)) return name.toLowerCase()
  return name.normalize('NFKC').toLowerCase().replaceAll('ς', 'σ')
}
