import type autocannon from 'autocannon'
import { randomSeededUser, SEEDED_PASSWORD } from './seeded-users.js'
import { introspectScenario, refreshScenario } from './session-scenarios.js'

export const SCENARIO_NAMES = [
  'register',
  'register-taken',
  'invalid',
  'get-user',
  'login',
  'login-wrong',
  'refresh',
  'introspect',
  'mixed',
] as const
export type ScenarioName = (typeof SCENARIO_NAMES)[number]

export interface Scenario {
  name: ScenarioName
  what: string
  expectedStatuses: readonly number[]
  /** Each request waits for a bcrypt hash: bounded by the admission queue. */
  hashes: boolean
  /** What one connection sends, in a loop. */
  connectionRequests: () => autocannon.Request[]
  /** Whether an answer with an expected status failed all the same, by its body. */
  answerFailed?: (body: string) => boolean
  /** Run against each new service before its load: logins the scenario needs. */
  prepare?: (origin: string, connections: number) => Promise<void>
}

const NEW_PASSWORD = 'a brand new passphrase'

interface RequestShape {
  method: 'GET' | 'POST'
  path: string
  body?: string
}

/** The users there are to pick from, and a source of fresh names. */
export interface ScenarioContext {
  seededUsers: number
  runId: string
}

function shapes(context: ScenarioContext) {
  let fresh = 0
  return {
    register: (): RequestShape => ({
      method: 'POST',
      path: '/users',
      body: JSON.stringify({
        username: `new${context.runId}x${fresh++}`,
        password: NEW_PASSWORD,
      }),
    }),
    registerTaken: (): RequestShape => ({
      method: 'POST',
      path: '/users',
      body: JSON.stringify({
        username: randomSeededUser(context.seededUsers).username,
        password: NEW_PASSWORD,
      }),
    }),
    // A username too short: the schema and the rules turn it away before any work.
    invalid: (): RequestShape => ({
      method: 'POST',
      path: '/users',
      body: JSON.stringify({ username: 'x', password: NEW_PASSWORD }),
    }),
    getUser: (): RequestShape => ({
      method: 'GET',
      path: `/users/${randomSeededUser(context.seededUsers).id}`,
    }),
    login: (): RequestShape => ({
      method: 'POST',
      path: '/tokens',
      body: JSON.stringify({
        username: randomSeededUser(context.seededUsers).username,
        password: SEEDED_PASSWORD,
      }),
    }),
    loginWrong: (): RequestShape => ({
      method: 'POST',
      path: '/tokens',
      body: JSON.stringify({
        username: randomSeededUser(context.seededUsers).username,
        password: 'not the passphrase',
      }),
    }),
  }
}

// Requests in each connection's pool: at 1,000,000 users, 10 connections
// touch about 20,000 users picked at random, over most of the table's pages.
const POOL_SIZE = 2048

function autocannonRequest(shape: RequestShape): autocannon.Request {
  return {
    method: shape.method,
    path: shape.path,
    body: shape.body,
    // Every request its own headers: autocannon writes Content-Length into
    // the headers object it is given, and a GET must not inherit a POST's.
    headers: shape.body === undefined ? {} : { 'content-type': 'application/json' },
  }
}

/**
 * A pool of requests made up front, sent in a loop. autocannon turns each
 * into bytes once, as it does the bare route's one request; made anew each
 * time, they cost the load generator, on the cores it shares with the service,
 * a fifth more CPU a request (19 against 15 µs for `invalid`, 28 against
 * 25 µs for `get-user` on MariaDB).
 */
function pooled(next: () => RequestShape): () => autocannon.Request[] {
  return () => Array.from({ length: POOL_SIZE }, () => autocannonRequest(next()))
}

/**
 * The same request every time, built once: the bare route's setup. A pool of
 * identical requests only made the load generator cycle through 20,000
 * buffers: `invalid` against one service, 3 alternated runs of 5 s each,
 * 23,600-25,800/s with the pool, 27,100-29,300/s with one request.
 */
function constant(make: () => RequestShape): () => autocannon.Request[] {
  return () => [autocannonRequest(make())]
}

/** One request made anew each time: for scenarios that need a new username every time. */
function madeAnew(next: () => RequestShape): () => autocannon.Request[] {
  return () => [{ setupRequest: (request) => ({ ...request, ...autocannonRequest(next()) }) }]
}

// Mostly lookups, as a service's callers make them; some of everything else.
const MIXED_WEIGHTS = [
  ['getUser', 70],
  ['registerTaken', 8],
  ['invalid', 8],
  ['login', 6],
  ['loginWrong', 4],
  ['register', 4],
] as const

export function buildScenarios(context: ScenarioContext): Scenario[] {
  const make = shapes(context)
  const totalWeight = MIXED_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0)
  const mixed = (): RequestShape => {
    let pick = Math.random() * totalWeight
    for (const [shape, weight] of MIXED_WEIGHTS) {
      pick -= weight
      if (pick < 0) return make[shape]()
    }
    return make.getUser()
  }
  const mix = MIXED_WEIGHTS.map(([shape, weight]) => `${weight} % ${shape}`).join(', ')
  return [
    {
      name: 'register',
      hashes: true,
      what: 'a new username each time',
      expectedStatuses: [201],
      connectionRequests: madeAnew(make.register),
    },
    {
      name: 'register-taken',
      hashes: false,
      what: 'a seeded username',
      expectedStatuses: [409],
      connectionRequests: pooled(make.registerTaken),
    },
    {
      name: 'invalid',
      hashes: false,
      what: 'a one-letter username',
      expectedStatuses: [400],
      connectionRequests: constant(make.invalid),
    },
    {
      name: 'get-user',
      hashes: false,
      what: 'GET /users/:id of a seeded user',
      expectedStatuses: [200],
      connectionRequests: pooled(make.getUser),
    },
    {
      name: 'login',
      hashes: true,
      what: 'a seeded user, right password',
      expectedStatuses: [200],
      connectionRequests: pooled(make.login),
    },
    {
      name: 'login-wrong',
      hashes: true,
      what: 'a seeded user, wrong password',
      expectedStatuses: [401],
      connectionRequests: pooled(make.loginWrong),
    },
    refreshScenario(context.seededUsers),
    introspectScenario(context.seededUsers),
    {
      name: 'mixed',
      hashes: true,
      what: mix,
      expectedStatuses: [200, 201, 400, 401, 409],
      connectionRequests: madeAnew(mixed),
    },
  ]
}
