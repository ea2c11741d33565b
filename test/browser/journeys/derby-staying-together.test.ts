import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addDays } from '../../../src/domain/isoDate.ts'
import { shown, skip } from '../../helpers/browser.ts'
import {
  accept,
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
  stepDone,
  team,
  today,
  useJourneyApp,
  weeksOn,
  writeFamilyPlan,
} from '../../helpers/journeys.ts'

/**
 * Issue 6 in the browser: one family through the service in programmes/derby-staying-together.yaml, from referral
 * to the 12-month follow-up, as the service's source describes it (the steps are in
 * test/helpers/journeys.ts).
 */
useJourneyApp()

test('Derby Staying Together Team: "a home visit with the lead worker within 48hrs", "a crisis intervention plan and a tailored package of support within 5 days", 12 weeks "extended if needed", "a gradual reduction in support", then "step down to universal services" and follow-ups', {
  skip,
}, async () => {
  const journey = new Journey('derby', { checksSharedPages: true })
  await journey.run(async () => {
    const started = at('2026-03-02', 9) // Monday
    const manager = await journey.as(team.people.manager)
    const worker = await journey.as(team.people.worker)
    const family: Family = {
      surname: 'Testfamily-Derby',
      children: [{ givenName: 'Casey', dateOfBirth: '2013-05-14' }],
      adults: [{ givenName: 'Dana', relationship: 'Mother' }],
      postcode: 'DE1 2FS',
      indicators: ['Frequent missing episodes', 'Risk of family breakdown'],
      happening: 'Synthetic: Casey has been missing overnight three times this month and Dana says she cannot cope.',
      hopes: 'Casey home every night and the two of them talking again.',
      givenBy: 'Dana, Casey’s mother',
    }

    // "The completed assessment/ plans will be used as the main form of referral": the locality team manager refers.
    const reference = await referInside(manager, /^Staying Together Team/, family, async (a) => {
      await a.choose('Level 3: targeted early help or complex needs')
      await a.page
        .getByRole('group', { name: /allocated social worker/ })
        .getByLabel('Yes')
        .check()
    })
    await openReferral(manager, reference)
    // "Access to the Staying Together Team will be in the first instance a case discussion".
    await manager.button('Record a case discussion').click()
    await manager.check('discussion-new')
    await manager.date('heldOn', today())
    await manager.fill('Who took part', 'Staying Together Team Manager\nAllocated team manager, locality 2')
    await manager.fill('Presenting issues', 'Synthetic: missing episodes, family breakdown.')
    await manager.fill('Discussion of the criteria', 'Casey is 12; level 3; escalating missing episodes.')
    await manager.fill('Risks', 'Synthetic: exploitation while missing.')
    await manager.fill('What was decided', 'The criteria are met: accept.')
    await manager.submit('Save case discussion', 'Case discussion recorded.')
    await manager.check('discussion')
    await manager.link('Back to the referral').click()
    await accept(manager, 'Agreed at the case discussion: care is likely within weeks without intensive support.')
    await shown(manager.page.getByRole('rowheader', { name: 'Home visit with the lead worker' }))
    const caseId = await allocate(manager, family.surname)

    // "a member of the team will undertake a home visit with the lead worker within 48hrs".
    at(started, 11)
    await startSupport(worker, caseId)
    at(addDays(started, 1), 16)
    await recordContact(worker, caseId, {
      time: '15:00',
      seen: 'Seen, and seen on their own',
      others: 'The lead professional (social worker)',
      note: 'Synthetic: first home visit with the lead worker. Met Casey and Dana; agreed what to work on first.',
    })
    await worker.check('contact')
    assert.match(await deadlineStatus(worker, caseId, /Home visit with the lead worker/), /Met on time/)

    // "create a crisis intervention plan and a tailored package of support within 5 days".
    daysOn(2)
    await worker.open(caseId, 'Plan')
    await worker.checkOwn('plan-empty')
    await worker.button('Start the crisis intervention plan').click()
    await shown(worker.page.getByText('Draft started.'))
    await worker.check('crisis-plan-draft')
    await worker.link('Change the risks and contact arrangements').click()
    await worker.check('crisis-plan-details')
    await worker.fill('The immediate risks', 'Casey going missing overnight and being exploited while away.')
    await worker.fill('How the family can reach the team', 'The team’s duty phone, day or night; 999 in an emergency.')
    await worker.submit('Save', 'Casey going missing overnight')
    await worker.button('Add a safety action').click()
    await worker.check('crisis-plan-action')
    await worker.fill('The safety action', 'Dana calls the duty phone if Casey is not home by 9pm.')
    await worker.fill('Who will do it', 'Dana')
    await worker.submit('Save the action', 'Dana calls the duty phone')
    await agreePlan(worker, 'Dana, Casey and the lead professional')
    await worker.tab('Plan')
    await worker.button('Start the plan').click()
    await shown(worker.page.getByText('Draft started.'))
    await writeFamilyPlan(worker, 'Casey home safe every night, and Dana and Casey talking again.', [
      {
        need: 'Casey goes missing after arguments at home.',
        outcome: 'Casey is home every night.',
        howWeKnow: 'No missing episodes for a month.',
        headline: 6,
        actions: [
          {
            what: 'Weekly session with Casey on safe places and people.',
            who: 'The key worker',
            support: 'Tailored package of evidence-based interventions',
          },
        ],
      },
      {
        need: 'Dana and Casey argue most evenings.',
        outcome: 'Dana and Casey sort out disagreements without anyone leaving.',
        headline: 5,
        actions: [
          {
            what: 'Family sessions on calming arguments.',
            who: 'The key worker and Dana',
            support: 'Crisis intervention plan',
          },
        ],
      },
    ])
    await agreePlan(worker, 'Dana and Casey')
    await worker.checkOwn('family-plan-agreed')
    assert.match(
      await deadlineStatus(worker, caseId, /Crisis intervention plan and tailored package of support/),
      /Met on time/,
    )
    await signOffPlan(manager, caseId, 'Crisis intervention plan')
    await signOffPlan(manager, caseId, 'Tailored package of support')

    // Intensive support: the key worker sees Casey every week of the first 12 (three of those visits here).
    for (const week of [2, 6, 11]) {
      at(addDays(started, 7 * (week - 1) + 1), 17)
      await recordContact(worker, caseId, {
        time: '16:00',
        note: `Synthetic: week ${week} session with Casey and Dana at home.`,
      })
    }

    // Week 12: the review with the lead professional agrees to extend, at the lead professional's request.
    at(addDays(started, 7 * 12 - 3))
    await recordReview(
      worker,
      caseId,
      {
        scheduled: /^The week 12 review/,
        attendees: ['The family', 'Key worker', 'Lead professional'],
        progress: [
          { direction: 'Better', evidence: 'One missing episode in the last month.', family: 6, worker: 5 },
          { direction: 'The same', evidence: 'Arguments still most evenings.', family: 4, worker: 4 },
        ],
        familyView: 'Dana: things are calmer but we need more time.',
        summary:
          'Progress on missing episodes; arguments continue. Agreed at the meeting with the lead professional and the team to extend.',
        decision: 'Extend with a further cycle of support',
        more: async (a) => {
          await a.choose('Lead professional', 'Who asked for the further cycle?')
        },
      },
      'week-12',
    )
    await shown(worker.page.getByText('Review recorded'))
    await worker.check('review')
    assert.match(await deadlineStatus(worker, caseId, /End of the first 12 weeks/), /Met on time/)

    // A later review starts the gradual reduction, with contact falling.
    weeksOn(8)
    await recordContact(worker, caseId, { note: 'Synthetic: extended support session; arguments much fewer.' })
    const reduction = weeksOn(1)
    await recordReview(worker, caseId, {
      scheduled: /outside the schedule/,
      attendees: ['The family', 'Key worker', 'Lead professional'],
      progress: [
        { direction: 'Better', evidence: 'No missing episodes for six weeks.', family: 8, worker: 8 },
        { direction: 'Better', evidence: 'Dana says arguments end calmly now.', family: 7, worker: 7 },
      ],
      summary: 'Ready for the gradual reduction so that Dana and Casey can show the changes themselves.',
      decision: 'Start the step-down',
      more: async (a) => {
        await a.date('frequencies-1-from', reduction)
        await a.page.locator('#frequencies-1-frequency').selectOption({ label: 'Once a week' })
        await a.date('frequencies-2-from', addDays(reduction, 14))
        await a.page.locator('#frequencies-2-frequency').selectOption({ label: 'Once a fortnight' })
        await a.date('frequencies-3-from', addDays(reduction, 28))
        await a.page.locator('#frequencies-3-frequency').selectOption({ label: 'Once a month' })
      },
    })
    await shown(worker.page.getByText('Review recorded'))
    await shown(worker.page.getByText(/once a fortnight/).first())
    weeksOn(2)
    await recordContact(worker, caseId, { note: 'Synthetic: fortnightly visit during the gradual reduction.' })
    weeksOn(3)
    await recordContact(worker, caseId, { note: 'Synthetic: monthly visit; Dana and Casey managing well.' })

    // Closure at a review meeting after a case discussion with the lead worker: step down to universal services.
    await recordReview(worker, caseId, {
      scheduled: /outside the schedule/,
      attendees: ['The family', 'Key worker', 'Lead professional', 'Team manager'],
      summary:
        'The risk of care has subsided. Case discussion with the lead worker held; step down to universal services.',
      decision: 'Close the case',
    })
    await shown(worker.page.getByRole('heading', { name: 'Closure' }))
    const closedOn = today()
    await proposeClosure(worker, caseId, {
      reason: 'Casey is home every night and the family sort out arguments themselves.',
      destination: /^Step down to universal services/,
      outcomes: [
        {
          headline: 'Children safe from abuse and exploitation',
          result: 'Improved',
          evidence: 'No missing episodes since week 14.',
        },
        { headline: 'Improved family relationships', result: 'Improved', evidence: 'Scaling from 4 to 7.' },
      ],
      children: [{ name: /Casey/, atHome: 'Yes' }],
      steps: async (a) => {
        await stepDone(a, 'Gradual reduction in support', addDays(reduction, 1))
        await stepDone(a, 'Closure agreed at a review meeting, after a case discussion with the lead worker', today())
      },
    })
    await signOffClosure(manager, caseId)

    await followUps(worker, caseId, family.surname, closedOn, ['Casey'])

    // What a manager would notice: closed, on time, the story told, the children at home.
    const { status, outcomes } = await closedCase(caseId, 1)
    assert.equal(status('home-visit'), 'met-on-time')
    assert.equal(status('crisis-plan'), 'met-on-time')
    assert.equal(status('first-period'), 'met-on-time')
    assert.equal(outcomes.destination.id, 'step-down-universal')
    assert.equal(outcomes.destination.reportsAs, 'outcomes-met')
    await chronologyTells(worker, caseId, [
      /Accepted by Staying Together Team/,
      /Crisis intervention plan agreed/i,
      /Case closed/i,
    ])
  })
})
