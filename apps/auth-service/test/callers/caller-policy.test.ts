import { writeFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { isCallerIdentity, loadCallerPolicy, parsePolicy } from '../../src/callers/caller-policy.js'
import { tempDir } from '../helpers/token-keys.js'

const CHECKOUT = 'spiffe://cluster.local/ns/shop/sa/checkout'

t.test(
  'a policy in YAML or JSON grants each identity its permissions, and "*" to all',
  async (t) => {
    const dir = tempDir(t)
    const yamlFile = path.join(dir, 'policy.yaml')
    writeFileSync(
      yamlFile,
      `callers:\n  ${CHECKOUT}: [users:register, tokens:issue]\n  billing: [users:read]\n  "*": [tokens:introspect]\n`,
    )
    const jsonFile = path.join(dir, 'policy.json')
    writeFileSync(
      jsonFile,
      JSON.stringify({
        callers: {
          [CHECKOUT]: ['users:register', 'tokens:issue'],
          billing: ['users:read'],
          '*': ['tokens:introspect'],
        },
      }),
    )
    for (const policyFile of [yamlFile, jsonFile]) {
      const policy = await loadCallerPolicy({ policyFile, production: false })
      t.ok(policy.allows(CHECKOUT, 'tokens:issue'))
      t.notOk(policy.allows(CHECKOUT, 'users:read'))
      t.ok(policy.allows('billing', 'users:read'))
      t.ok(policy.allows('anyone-else', 'tokens:introspect'), '"*" grants every identified caller')
      t.notOk(policy.allows(null, 'tokens:introspect'), 'but not a caller without a certificate')
      t.notOk(policy.allows('billing', 'sessions:manage'))
    }
  },
)

t.test('without a policy: everything, but no privileged permission in production', async (t) => {
  const development = await loadCallerPolicy({ policyFile: undefined, production: false })
  t.ok(development.allows(null, 'sessions:manage'))
  const production = await loadCallerPolicy({ policyFile: undefined, production: true })
  t.notOk(production.allows(null, 'sessions:manage'))
  t.notOk(production.allows(CHECKOUT, 'sessions:manage'))
  t.ok(production.allows(null, 'users:register'))
  t.match(production.description, /sessions:manage/)
})

t.test('a typo stops the start with a message naming it', async (t) => {
  const cases: Array<[string, RegExp]> = [
    [
      `callers:\n  ${CHECKOUT}: [users:regster]\n`,
      /unknown permission "users:regster"; known: users:register/,
    ],
    [
      'callers:\n  "spiffe:/cluster.local/ns/shop": [users:read]\n',
      /"spiffe:\/cluster.local\/ns\/shop", which is not a SPIFFE ID/,
    ],
    ['callers:\n  "spiffe://Cluster Local/x": [users:read]\n', /not a SPIFFE ID/],
    [
      'callers:\n  " billing": [users:read]\n',
      /not a SPIFFE ID, a URI or a certificate common name/,
    ],
    [`callers:\n  ${CHECKOUT}: users:read\n`, /something other than a list of permissions/],
    [`caller:\n  ${CHECKOUT}: [users:read]\n`, /must hold one object, `callers`/],
    ['callers: [', /is not JSON or YAML/],
  ]
  for (const [text, message] of cases) {
    t.throws(
      () => parsePolicy('/etc/auth/policy.yaml', text),
      { name: 'ConfigError', message },
      text,
    )
  }
  await t.rejects(loadCallerPolicy({ policyFile: '/no/such/policy.yaml', production: false }), {
    message: /CALLER_POLICY_FILE: \/no\/such\/policy.yaml cannot be read \(ENOENT\)/,
  })
})

t.test('identities: SPIFFE IDs, other URIs and common names', async (t) => {
  for (const good of [
    CHECKOUT,
    'spiffe://example.org/web',
    'urn://x/y',
    'checkout.shop.svc',
    'Billing Service',
  ]) {
    t.ok(isCallerIdentity(good), good)
  }
  for (const bad of [
    '',
    'spiffe://example.org',
    'spiffe://example.org/',
    'spiffe://a/b//c',
    'a b ',
    'x:y',
    'tab\there',
  ]) {
    t.notOk(isCallerIdentity(bad), JSON.stringify(bad))
  }
})
