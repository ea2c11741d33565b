import assert from 'node:assert/strict'
import { test } from 'node:test'
import { shippedProgrammes } from '../../services/index.ts'
import { parseCheckForm, parseChild } from './checkForm.ts'
import { interpretationsIn } from './describe.ts'
import { timelineFor } from './timeline.ts'

const programme = (id: string) => {
  const found = shippedProgrammes().get(id)
  assert.ok(found)
  return found
}

test('the Lewisham timeline shows the step-down after week 12, ending at week 22', () => {
  const timeline = timelineFor(programme('lewisham-safer-stronger'))
  const phases = timeline.items.filter((i) => i.kind === 'phase').map((i) => [i.label, i.start, i.end])
  assert.deepEqual(phases, [
    ['Intensive programme', 0, 12],
    ['Step-down', 12, 22],
  ])
  assert.match(timeline.description, /Step-down: 10 weeks from step-down started/)
})

test('the Staying Together timeline has reviews in weeks 3, 6, 9 and 12, the social worker at week 6', () => {
  const reviews = timelineFor(programme('staying-together')).items.filter((i) => i.kind === 'review')
  assert.deepEqual(
    reviews.map((r) => r.end),
    [3, 6, 9, 12],
  )
  assert.match(reviews[1]?.when ?? '', /with the allocated social worker/)
})

test('timescales counted from an event another timescale is met by follow it on the axis', () => {
  // The cycle ends by week 12 with closure, so the report 10 working days after closure follows it.
  const report = timelineFor(programme('staying-together')).items.find((i) => i.label.startsWith('Intervention report'))
  assert.equal(report?.pictured, true)
  assert.deepEqual([report?.start, report?.end], [12, 14])
  // The crisis plan follows the 48-hour visit in Derby's picture.
  const derby = timelineFor(programme('derby-staying-together')).items
  const plan = derby.find((i) => i.label.startsWith('Crisis intervention plan'))
  assert.ok(plan?.pictured && plan.start > 0 && plan.end > plan.start)
})

test('every interpretation in a file is collected for the page, with what it is about', () => {
  const readings = interpretationsIn(programme('derby-staying-together'))
  assert.ok(readings.some((r) => r.about === 'Crisis intervention plan and tailored package of support'))
  assert.ok(readings.some((r) => r.about === 'Extensions'))
})

test('a child is an age or a date of birth in one box', () => {
  assert.deepEqual(parseChild('9'), { age: 9 })
  assert.deepEqual(parseChild('27/3/2012'), { dateOfBirth: '2012-03-27' })
  assert.deepEqual(parseChild('27 3 2012'), { dateOfBirth: '2012-03-27' })
  assert.deepEqual(parseChild('2012-03-27'), { dateOfBirth: '2012-03-27' })
  assert.equal(parseChild('30/2/2012'), 'invalid')
  assert.equal(parseChild('nine'), 'invalid')
})

test('the form turns "not known" into a missing fact and "no" into false', () => {
  const result = parseCheckForm({ child1: '12', homeless: 'no', socialWorker: '', expecting: 'no' }, '2026-11-23')
  assert.ok(result.ok)
  assert.equal(result.facts.youngPersonHomeless, false)
  assert.equal('socialWorkerAllocated' in result.facts, false)
  assert.equal(result.facts.expectingBaby, false)
})
