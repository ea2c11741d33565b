import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addDays, type IsoDate } from '../../../src/domain/isoDate.ts'
import { shown, skip } from '../../helpers/browser.ts'
import {
  accept,
  actionProgress,
  agreePlan,
  allocate,
  at,
  chronologyTells,
  closedCase,
  daysOn,
  deadlineStatus,
  type Family,
  followUps,
  Journey,
  openReferral,
  proposeClosure,
  recordContact,
  recordReview,
  referInside,
  signOffClosure,
  signOffPlan,
  startSupport,
  team,
  today,
  useJourneyApp,
  writeFamilyPlan,
} from '../../helpers/journeys.ts'

/**
 * Issue 6 in the browser: one family through the service in programmes/staying-together.yaml, from referral
 * to the 12-month follow-up, as the service's source describes it (the steps are in
 * test/helpers/journeys.ts).
 */
useJourneyApp()

test('Staying Together: "the allocated social worker will ask the Staying Together team to undertake particular pieces of work", "reviewed during weeks three, six and nine, and then again at 12 weeks", "another cycle of support", and "an ‘intervention report’" copied to the family and the social worker', {
  skip,
}, async () => {
  const journey = new Journey('staying-together')
  await journey.run(async () => {
    const started = at('2027-01-11', 9) // Monday
    const social = await journey.as(team.people.socialWorker)
    const manager = await journey.as(team.people.manager)
    const worker = await journey.as(team.people.worker)
    const family: Family = {
      surname: 'Testfamily-Staying',
      children: [{ givenName: 'Jordan', dateOfBirth: '2012-06-15' }],
      adults: [{ givenName: 'Sam', relationship: 'Father' }],
      postcode: 'M1 1AE',
      indicators: ['Risk of family breakdown', 'Parental conflict'],
      happening:
        'Synthetic: Jordan and Sam argue most nights and Sam has asked for Jordan to be accommodated. The Children and Family assessment agreed two pieces of work with the family.',
      hopes: 'Jordan and Sam want to live together without the shouting.',
      givenBy: 'Sam and Jordan',
    }

    // "The family’s social worker will contact the Staying Together team to ask for them to help."
    const reference = await referInside(social, /^Staying Together$/, family, async (a) => {
      await a.choose('Level 4: statutory (child in need, child protection, looked after)')
      await a.page
        .getByRole('group', { name: /allocated social worker/ })
        .getByLabel('Yes')
        .check()
    })
    await openReferral(manager, reference)
    await accept(manager, 'Jordan is 14 and at risk of entering care; the family has an allocated social worker.')
    const caseId = await allocate(manager, family.surname)

    // The social worker asks for the pieces of work agreed in the Children and Family assessment.
    const requests = [
      'Work with Jordan and Sam on managing arguments without anyone leaving the house.',
      'Help Jordan and Sam agree house rules for school nights.',
    ]
    await social.go('/cases')
    await social.link(`${family.surname} family`).click()
    await social.tab('Plan')
    for (const what of requests) {
      await social.button('Ask for a piece of work').click()
      await social.check('plan-request')
      await social.fill('The piece of work', what)
      await social.fill('Who would you like to do it?', 'The key worker')
      await social.submit('Send the request', 'Your request is in the plan.')
    }

    at(started, 11)
    await startSupport(worker, caseId)
    at(addDays(started, 1), 17)
    await recordContact(worker, caseId, {
      time: '16:00',
      note: 'Synthetic: first visit; Jordan and Sam each told their side.',
    })
    // "They assess problems, develop measurable goals".
    await worker.tab('Plan')
    await worker.button('Write and agree the draft').click()
    await writeFamilyPlan(worker, 'Jordan and Sam living together without the shouting.', [
      {
        need: 'Arguments end with Jordan walking out.',
        outcome: 'Arguments end without anyone leaving the house, every time for a month.',
        howWeKnow: 'Jordan and Sam keep a tally on the fridge.',
        headline: 5,
        actions: [
          {
            what: 'Weekly systemic session with Jordan and Sam.',
            who: 'The key worker',
            support: 'Systemic and solution-focused work with the whole family',
          },
        ],
      },
      {
        need: 'No agreed rules on school nights.',
        outcome: 'Jordan home by 9pm on 5 school nights out of 5.',
        headline: 6,
        actions: [
          {
            what: 'Agree a curfew plan together.',
            who: 'Jordan and Sam',
            support: 'Measurable goals set with the family',
          },
        ],
      },
    ])
    for (const [index, what] of requests.entries()) {
      await worker.page.getByRole('link', { name: new RegExp(`^Change action: ${what.slice(0, 30)}`) }).click()
      await worker.page.getByLabel('Which goal is it for?').selectOption({ index: index + 1 })
      await worker.submit('Save the action', /./)
    }
    await agreePlan(worker, 'Jordan, Sam and their social worker')
    await signOffPlan(manager, caseId, 'Measurable goals')

    // Reviews in weeks 3, 6, 9 and 12, with scaling each time.
    const review = (week: number, family: number, worker: number) => ({
      scheduled: new RegExp(`^The week ${week} review`),
      attendees: ['The family', 'The young person', 'Key worker'],
      progress: [
        { direction: 'Better' as const, evidence: `Tally at week ${week}.`, family, worker },
        { direction: 'Better' as const, evidence: `Curfew kept most nights by week ${week}.`, family, worker },
      ],
      summary: `Week ${week}: what's working well and what needs to happen next.`,
      decision: 'Continue the support as planned',
    })
    // Intensive support: the key worker sees Jordan every week (one of those visits between reviews here).
    const visit = async (from: IsoDate, week: number) => {
      at(addDays(from, 7 * (week - 1) + 1), 17)
      await recordContact(worker, caseId, {
        time: '16:00',
        note: `Synthetic: week ${week} session with Jordan and Sam.`,
      })
    }
    await visit(started, 2)
    at(addDays(started, 7 * 3 - 3))
    await recordReview(worker, caseId, review(3, 3, 3), 'week-3')
    await shown(worker.page.getByText('Review recorded'))
    await actionProgress(worker, caseId, requests[0] as string, 'In progress', 'The first sessions are going well.')

    // "The allocated social worker for the young person will attend the review at six weeks."
    await visit(started, 5)
    at(addDays(started, 7 * 6 - 3))
    await recordReview(worker, caseId, review(6, 5, 4))
    await shown(worker.page.getByText(/allocated social worker/).first())
    await shown(worker.page.getByText('Tick who attended, or confirm the review went ahead without them').first())
    await worker.checkOwn('review-form-week-6-missing')
    await worker.choose('Allocated social worker', 'Who attended the review?')
    await worker.submit('Record the review', 'Review recorded')
    await shown(worker.page.getByText(/Allocated social worker/).first())
    await actionProgress(worker, caseId, requests[1] as string, 'Done', 'House rules on the fridge, signed by both.')

    // The social worker follows the progress of the work they asked for.
    await social.open(caseId, 'Plan')
    const asked = social.page.getByRole('table', { name: /Each request and how it is going/ })
    await shown(asked.getByText('In progress'))
    await shown(asked.getByText('Done'))
    await social.checkOwn('plan-social-worker-progress')

    await visit(started, 8)
    at(addDays(started, 7 * 9 - 3))
    await recordReview(worker, caseId, review(9, 6, 6))
    await shown(worker.page.getByText('Review recorded'))

    // "Should more support be needed after the 12 weeks, then the family’s social worker can ask … for another cycle".
    await visit(started, 11)
    at(addDays(started, 7 * 12 - 3))
    await recordReview(
      worker,
      caseId,
      {
        ...review(12, 6, 5),
        attendees: ['The family', 'The young person', 'Key worker', 'Allocated social worker'],
        decision: 'Extend with a further cycle of support',
        more: (a) => a.choose('Allocated social worker', 'Who asked for the further cycle?'),
      },
      'week-12',
    )
    await shown(worker.page.getByText('Review recorded'))
    const cycle = today()
    assert.match(await deadlineStatus(worker, caseId, /End of the cycle of support/), /Met on time/)

    await visit(cycle, 2)
    at(addDays(cycle, 7 * 3 - 1))
    await recordReview(worker, caseId, review(3, 7, 7))
    await shown(worker.page.getByText('Review recorded'))
    await visit(cycle, 5)
    at(addDays(cycle, 7 * 6 - 1))
    await recordReview(worker, caseId, {
      ...review(6, 8, 8),
      attendees: ['The family', 'The young person', 'Key worker', 'Allocated social worker'],
      summary: 'The aims of the work have been met: the family and the social worker agree to end.',
      decision: 'Close the case',
    })
    await shown(worker.page.getByRole('heading', { name: 'Closure' }))
    const closedOn = today()
    await proposeClosure(worker, caseId, {
      reason: 'Arguments end without anyone leaving; Jordan keeps the school-night curfew.',
      destination: /^Young person stays with their family/,
      outcomes: [
        { headline: 'Improved family relationships', result: 'Improved', evidence: 'Scaling 3 to 8.' },
        {
          headline: 'Children safe from abuse and exploitation',
          result: 'Improved',
          evidence: 'No nights away since week 5.',
        },
      ],
      children: [{ name: /Jordan/, atHome: 'Yes' }],
    })
    await signOffClosure(manager, caseId)
    await shown(manager.page.getByText(/Not done yet: Intervention report/).first())

    // "At the end of the support, the service will complete an ‘intervention report’. The family and the social worker will receive a copy".
    daysOn(6)
    await worker.open(caseId, 'Closure')
    await worker.button('Record closure steps').click()
    await worker.checkOwn('closure-steps')
    await worker.date('sent-family', addDays(closedOn, 5))
    await worker.date('sent-allocated-social-worker', today())
    await worker.submit(/^(Save|Record)/, 'Closure steps recorded')
    assert.match(
      await deadlineStatus(worker, caseId, /Intervention report to the family and the social worker/),
      /Met on time/,
    )
    await followUps(worker, caseId, family.surname, closedOn, ['Jordan'])

    const { deadlines, status, outcomes } = await closedCase(caseId, 1)
    const met = deadlines.filter((d) => d.status === 'met-on-time').map((d) => d.name)
    for (const week of [3, 6, 9, 12])
      assert.ok(
        met.some((name) => name.includes(`eek ${week}`)),
        `week ${week} met: ${met}`,
      )
    assert.equal(status('intervention-report'), 'met-on-time')
    assert.equal(outcomes.destination.id, 'remains-at-home')
    await chronologyTells(worker, caseId, [/Further cycle of support started/i])
  })
})
