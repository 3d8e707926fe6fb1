import { readFileSync } from 'node:fs'
import path from 'node:path'
import { errorCodes, PERMISSIONS } from '@auth-service/shared'
import t from 'tap'
import { ConfigSchema } from '../src/config.js'

const readme = readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8')

t.test('the README documents every error code with its status', async (t) => {
  for (const [code, { statusCode }] of Object.entries(errorCodes)) {
    t.match(readme, new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${statusCode}\\s*\\|`), code)
  }
})

t.test('the README documents every configuration variable', async (t) => {
  for (const name of Object.keys(ConfigSchema.properties)) {
    t.match(readme, new RegExp(`\\|\\s*\`${name}\`\\s*\\|`), name)
  }
})

t.test('the README documents every caller permission', async (t) => {
  for (const permission of PERMISSIONS) {
    t.match(readme, new RegExp(`\\|\\s*\`${permission}\`\\s*\\|`), permission)
  }
})
