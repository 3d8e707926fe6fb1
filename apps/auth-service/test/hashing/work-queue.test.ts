import t from 'tap'
import { defaultQueueLimit, hashParallelism } from '../../src/hashing/hash-timing.js'
import { createWorkQueue, WorkQueueFull } from '../../src/hashing/work-queue.js'

/** A task that runs until the test lets it finish. */
function heldTask() {
  let release: () => void = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  let started = false
  return {
    run: async () => {
      started = true
      await released
      return 'done'
    },
    release: () => release(),
    get started() {
      return started
    },
  }
}

t.test('at most `concurrency` run, `queueLimit` wait, the rest are refused at once', async (t) => {
  const queue = createWorkQueue({ concurrency: 2, queueLimit: 1 })
  const tasks = [heldTask(), heldTask(), heldTask()]
  const results = tasks.map((task) => queue.run(task.run))
  await Promise.resolve()
  t.same(
    tasks.map((task) => task.started),
    [true, true, false],
  )
  t.equal(queue.running, 2)
  t.equal(queue.waiting, 1)
  await t.rejects(
    queue.run(async () => 'never'),
    WorkQueueFull,
    'the fourth is refused',
  )

  tasks[0]?.release()
  await results[0]
  await Promise.resolve()
  t.equal(tasks[2]?.started, true, 'the waiting task takes the freed slot')
  t.equal(queue.running, 2)
  t.equal(queue.waiting, 0)

  const idle = queue.idle()
  tasks[1]?.release()
  tasks[2]?.release()
  t.same(await Promise.all(results), ['done', 'done', 'done'], 'admitted tasks finish')
  await idle
  t.equal(queue.running, 0)
})

t.test('a failing task frees its slot', async (t) => {
  const queue = createWorkQueue({ concurrency: 1, queueLimit: 0 })
  await t.rejects(
    queue.run(async () => {
      throw new Error('boom')
    }),
    /boom/,
  )
  t.equal(await queue.run(async () => 'next'), 'next')
})

t.test('the default line holds about two seconds of hashing', async (t) => {
  const parallel = hashParallelism(4)
  t.equal(defaultQueueLimit(200, 4), Math.floor((2000 * parallel) / 200))
  t.equal(defaultQueueLimit(5000, 4), 1, 'at least one waits')
  t.equal(hashParallelism(1), 1)
})
