import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CHART, describeChart, distanceChart, geometry, shortDate } from './chart.ts'

const scores = [
  { askedOn: '2026-01-12', familyScore: 3, workerScore: 4 },
  { askedOn: '2026-02-16', familyScore: 5, workerScore: null },
  { askedOn: '2026-03-02', familyScore: 7, workerScore: 6 },
]

test('the chart is an image with a title and a description that says what it shows', () => {
  const svg = distanceChart(scores, { id: 'goal-1', title: 'Robin gets to school <on time> & happy' })
  assert.match(svg, /^<svg [^>]*role="img" aria-labelledby="goal-1-title goal-1-desc"/)
  assert.match(svg, /<title id="goal-1-title">Robin gets to school &lt;on time&gt; &amp; happy<\/title>/)
  assert.match(
    svg,
    /<desc id="goal-1-desc">The family scored 3 on 12 January 2026, and 7 on 2 March 2026: up 4 points\. The worker scored 4 on 12 January 2026, and 6 on 2 March 2026: up 2 points\. The table below gives every score\.<\/desc>/,
  )
  assert.doesNotMatch(svg, /style=/, 'no inline styles (CSP)')
})

test('the scale runs 0 to 10 up the side; the dates along the bottom', () => {
  const svg = distanceChart(scores, { id: 'g', title: 'Goal' })
  for (const n of [0, 2, 4, 6, 8, 10]) assert.match(svg, new RegExp(`text-anchor="end"[^>]*>${n}</text>`))
  assert.match(svg, />12 Jan 2026</)
  assert.match(svg, />2 Mar 2026</)
  const g = geometry(scores)
  assert.equal(g.y(10), CHART.top)
  assert.equal(g.y(0), CHART.height - CHART.bottom)
  assert.ok(g.x('2026-01-12') < g.x('2026-02-16') && g.x('2026-02-16') < g.x('2026-03-02'))
})

test('a family line through three points (solid) and a worker line through two (dashed, squares)', () => {
  const svg = distanceChart(scores, { id: 'g', title: 'Goal' })
  const paths = [...svg.matchAll(/<path d="([^"]+)"[^>]*>/g)].map((m) => m[0])
  assert.equal(paths.length, 2)
  assert.equal((paths.find((p) => p.includes('#1d70b8'))?.match(/[ML]/g) ?? []).length, 3)
  assert.ok(paths.find((p) => p.includes('stroke-dasharray')))
  assert.equal((svg.match(/<circle /g) ?? []).length, 3 + 1, 'three family points and one in the key')
  assert.equal((svg.match(/<rect /g) ?? []).length, 2 + 1, 'two worker points and one in the key')
})

test('dates too close to label are skipped, but the first and last are always labelled', () => {
  const crowded = ['2026-01-05', '2026-01-06', '2026-01-07', '2026-03-30'].map((askedOn) => ({
    askedOn,
    familyScore: 5,
    workerScore: null,
  }))
  assert.deepEqual(
    geometry(crowded).ticks.map((t) => t.day),
    ['2026-01-05', '2026-03-30'],
  )
  const one = geometry([{ askedOn: '2026-01-05', familyScore: 5, workerScore: 5 }])
  assert.deepEqual(
    one.ticks.map((t) => t.day),
    ['2026-01-05'],
  )
})

test('with one score, or none, it says so', () => {
  assert.equal(describeChart([]), 'No scores yet.')
  assert.equal(
    describeChart([{ askedOn: '2026-01-05', familyScore: 2, workerScore: null }]),
    'The family scored 2 on 5 January 2026. The worker has not given a score yet.',
  )
  assert.equal(shortDate('2026-12-01'), '1 Dec 2026')
})
