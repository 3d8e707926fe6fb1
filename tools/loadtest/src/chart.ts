import type { BenchReport } from './report.js'

interface Row {
  label: string
  perSecond: number
  p50?: number
  p99?: number
  reference?: boolean
}

const LABEL_WIDTH = 190
const PANEL_WIDTH = 340
const GAP = 40
const ROW_HEIGHT = 24
const TOP = 56
const WIDTH = LABEL_WIDTH + 2 * PANEL_WIDTH + GAP + 20

const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')

/** x offset within a panel on a log scale from `min` to `max`. */
function logScale(min: number, max: number) {
  const span = Math.log10(max) - Math.log10(min)
  return (value: number) =>
    Math.max(0, ((Math.log10(Math.max(value, min)) - Math.log10(min)) / span) * PANEL_WIDTH)
}

function rowsOf(report: BenchReport): Row[] {
  const { references } = report
  const rows: Row[] = [
    {
      label: 'ref: bare Fastify route',
      perSecond: references.bareRoute.requestsPerSecond,
      p50: references.bareRoute.latencyMs.p50,
      p99: references.bareRoute.latencyMs.p99,
      reference: true,
    },
    { label: 'ref: route + point select', perSecond: references.lookupPerSecond, reference: true },
    {
      label: `ref: raw bcrypt, cost ${report.options.cost}`,
      perSecond: references.bcryptPerSecond,
      reference: true,
    },
  ]
  for (const r of report.scenarios) {
    rows.push({
      label: r.name,
      perSecond: r.requestsPerSecond,
      p50: r.latencyMs.p50,
      p99: r.latencyMs.p99,
    })
  }
  for (const r of report.growth?.scenarios ?? []) {
    rows.push({
      label: `${r.name} @ ${report.growth?.users.toLocaleString('en-US')}`,
      perSecond: r.requestsPerSecond,
      p50: r.latencyMs.p50,
      p99: r.latencyMs.p99,
    })
  }
  return rows
}

function ticks(min: number, max: number): number[] {
  const values: number[] = []
  for (let value = min; value <= max; value *= 10) values.push(value)
  return values
}

/** Throughput (left) and latency p50/p99 (right) per scenario, log scales, as SVG. */
export function renderChart(report: BenchReport): string {
  const rows = rowsOf(report)
  const height = TOP + rows.length * ROW_HEIGHT + 40
  const maxRate = 10 ** Math.ceil(Math.log10(Math.max(...rows.map((r) => r.perSecond), 10)))
  const maxLatency = 10 ** Math.ceil(Math.log10(Math.max(...rows.map((r) => r.p99 ?? 1), 10)))
  const rateX = logScale(1, maxRate)
  const latencyX = logScale(0.1, maxLatency)
  const left = LABEL_WIDTH
  const right = LABEL_WIDTH + PANEL_WIDTH + GAP
  const bottom = TOP + rows.length * ROW_HEIGHT
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(`auth-service load test: requests per second and latency per scenario, ${report.database}`)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">requests per second (log scale)</text>`,
    `<text x="${right}" y="20" font-size="14" font-weight="bold">latency, ms (log scale): p50 dark, p99 light</text>`,
    `<text x="10" y="40" fill="#555">${escapeXml(`${report.database}, ${report.options.connections} connections, ${report.startedAt}`)}</text>`,
  ]
  for (const value of ticks(1, maxRate)) {
    const x = left + rateX(value)
    parts.push(`<line x1="${x}" y1="${TOP - 4}" x2="${x}" y2="${bottom}" stroke="#ddd"/>`)
    parts.push(
      `<text x="${x}" y="${bottom + 16}" text-anchor="middle" fill="#555">${value.toLocaleString('en-US')}</text>`,
    )
  }
  for (const value of ticks(0.1, maxLatency)) {
    const x = right + latencyX(value)
    parts.push(`<line x1="${x}" y1="${TOP - 4}" x2="${x}" y2="${bottom}" stroke="#ddd"/>`)
    parts.push(`<text x="${x}" y="${bottom + 16}" text-anchor="middle" fill="#555">${value}</text>`)
  }
  rows.forEach((row, index) => {
    const y = TOP + index * ROW_HEIGHT
    const fill = row.reference ? '#9e9e9e' : '#1f6fb2'
    const rateWidth = rateX(row.perSecond)
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escapeXml(row.label)}</text>`,
    )
    parts.push(
      `<rect x="${left}" y="${y + 3}" width="${rateWidth.toFixed(1)}" height="${ROW_HEIGHT - 8}" fill="${fill}"/>`,
    )
    parts.push(
      `<text x="${left + rateWidth + 4}" y="${y + 15}" fill="#333">${Math.round(row.perSecond).toLocaleString('en-US')}</text>`,
    )
    if (row.p99 !== undefined && row.p50 !== undefined) {
      const p99Width = latencyX(row.p99)
      parts.push(
        `<rect x="${right}" y="${y + 3}" width="${p99Width.toFixed(1)}" height="${ROW_HEIGHT - 8}" fill="#f4a259"/>`,
      )
      parts.push(
        `<rect x="${right}" y="${y + 3}" width="${latencyX(row.p50).toFixed(1)}" height="${ROW_HEIGHT - 8}" fill="#c0504d"/>`,
      )
      parts.push(
        `<text x="${right + p99Width + 4}" y="${y + 15}" fill="#333">${row.p50} / ${row.p99}</text>`,
      )
    }
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
