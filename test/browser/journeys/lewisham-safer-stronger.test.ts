import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addDays, type IsoDate } from '../../../src/domain/isoDate.ts'
import { shown, skip } from '../../helpers/browser.ts'
import {
  accept,
  agreePlan,
  allocate,
  at,
  chronologyTells,
  closedCase,
  completeAssessment,
  daysOn,
  deadlineStatus,
  type Family,
  followUps,
  Journey,
  openReferral,
  proposeClosure,
  recordContact,
  recordReading,
  recordReview,
  referPublicly,
  signOffClosure,
  signOffPlan,
  startSupport,
  stepDone,
  team,
  today,
  useJourneyApp,
  writeFamilyPlan,
} from '../../helpers/journeys.ts'

/**
 * Issue 6 in the browser: one family through the service in programmes/lewisham-safer-stronger.yaml, from referral
 * to the 12-month follow-up, as the service's source describes it (the steps are in
 * test/helpers/journeys.ts).
 */
useJourneyApp()

test('Lewisham Safer Stronger Families: "12 week programme and 10 week step down period", the "Family Action Plan" with "Triple P, Solution Focused Brief Therapy and Team Parenting", the national outcomes measured, then "a Team around the Family closure meeting and finally a family celebration"', {
  skip,
}, async () => {
  const journey = new Journey('lewisham')
  await journey.run(async () => {
    const started = at('2026-11-02', 9) // Monday
    const school = await journey.as({ name: 'Rita Referrer', email: 'rita.referrer@example.org', password: '' })
    const manager = await journey.as(team.people.manager)
    const worker = await journey.as(team.people.worker)
    const family: Family = {
      surname: 'Testfamily-Lewisham',
      children: [{ givenName: 'Robin', dateOfBirth: '2016-12-01' }],
      adults: [{ givenName: 'Ade', relationship: 'Mother' }],
      postcode: 'SE6 4RU',
      indicators: ['Exclusion, or not in education, employment or training'],
      happening: 'Synthetic: Robin misses school most Mondays and was picked up by police with older boys last month.',
      hopes: 'Ade would like Robin in school every day and some help finding work.',
      givenBy: 'Ade, Robin’s mother',
    }

    // A partner agency refers on the public form.
    const reference = await referPublicly(
      school,
      /^Safer Stronger Families/,
      {
        name: 'Rita Referrer',
        organisation: 'Northshire Primary School',
        role: 'Designated safeguarding lead',
        email: 'rita.referrer@example.org',
      },
      family,
    )
    await openReferral(manager, reference)
    // "Early help … before they need support from Children's Social Care".
    await manager.page.getByText('Correct or add facts for screening').click()
    await manager.choose('Level 2: early help')
    await manager.submit('Save and screen again', 'The facts are saved and the screening has been run again.')
    await manager.check('referral-screened')
    await accept(manager, 'At risk of harm below the significant harm threshold; early help at level 2.')
    const caseId = await allocate(manager, family.surname)

    at(started, 11)
    await startSupport(worker, caseId)
    at(addDays(started, 1), 17)
    await recordContact(worker, caseId, {
      time: '16:30',
      note: 'Synthetic: first home visit with Ade and Robin after school.',
    })
    // "a flexible intervention including ‘out of hours’ support".
    daysOn(2)
    await recordContact(worker, caseId, {
      type: 'Out of hours',
      time: '08:00',
      note: 'Synthetic: out-of-hours morning visit to help with the school run.',
    })
    await completeAssessment(worker, caseId, 'Synthetic: Ade and Robin; Ade lost her job last year.', [
      'Getting a good education',
      'Crime prevention and tackling crime',
      'Financial stability',
    ])
    await worker.tab('Plan')
    await worker.button('Start the plan').click()
    await shown(worker.page.getByText('Draft started.'))
    await writeFamilyPlan(worker, 'Robin at school every day, out of trouble, and Ade back in work.', [
      {
        need: 'Robin misses school most Mondays.',
        outcome: 'Robin is at school every day.',
        howWeKnow: 'Attendance above 95% for a term.',
        headline: 1,
        actions: [
          {
            what: 'Triple P sessions with Ade on morning routines.',
            who: 'The key worker',
            support: 'Triple P (Positive Parenting Program)',
          },
        ],
      },
      {
        need: 'Robin has been out late with older boys who steal.',
        outcome: 'Robin spends evenings at home or at the youth club.',
        headline: 7,
        actions: [
          {
            what: 'Team Parenting sessions with Ade and Robin’s aunt.',
            who: 'The key worker',
            support: 'Team Parenting',
          },
        ],
      },
      {
        need: 'Ade has been out of work for a year.',
        outcome: 'Ade is in work she enjoys.',
        headline: 10,
        actions: [
          {
            what: 'Solution-focused sessions on Ade’s next steps into work.',
            who: 'The key worker',
            support: 'Solution Focused Brief Therapy',
          },
        ],
      },
    ])
    await agreePlan(worker, 'Ade and Robin')
    await worker.checkOwn('family-plan-agreed')
    await signOffPlan(manager, caseId, 'Family Action Plan')

    // The national outcomes the seed names: "improving school attendance, reducing worklessness,
    // offending behaviour and supporting children in need of help", read at the start and at closure.
    const nationalOutcomes = async (
      occasion: string,
      reading: {
        from: IsoDate
        to: IsoDate
        possible: number
        attended: number
        ade: string
        offences: number
        robin: string
      },
    ) => {
      await recordReading(worker, caseId, 'School attendance', occasion, async (a) => {
        await a.date('from', reading.from)
        await a.date('to', reading.to)
        const robin = a.page.getByRole('group', { name: /^Robin / })
        await robin.getByLabel('Possible sessions').fill(String(reading.possible))
        await robin.getByLabel('Sessions attended').fill(String(reading.attended))
      })
      await recordReading(worker, caseId, 'Adults in work or moving towards it', occasion, (a) =>
        a.page.getByRole('group', { name: /^Ade / }).getByRole('radio', { name: reading.ade }).check(),
      )
      await recordReading(worker, caseId, 'Offences by anyone in the family since the last reading', occasion, (a) =>
        a.page
          .getByRole('group', { name: 'The family' })
          .getByRole('textbox', { name: /^Number/ })
          .fill(String(reading.offences)),
      )
      await recordReading(worker, caseId, 'Child in need status', occasion, (a) =>
        a.page
          .getByRole('group', { name: /^Robin / })
          .getByRole('radio', { name: reading.robin })
          .check(),
      )
    }
    await nationalOutcomes('At the start', {
      from: '2026-09-03',
      to: '2026-10-23',
      possible: 70,
      attended: 58,
      ade: 'Looking for work',
      offences: 2,
      robin: 'Early help',
    })
    await shown(worker.page.getByText('Persistent absence').first())
    await shown(worker.page.getByText('Workless').first())

    for (const week of [3, 6, 9]) {
      at(addDays(started, 7 * (week - 1) + 2), 17)
      await recordContact(worker, caseId, { time: '16:30', note: `Synthetic: week ${week} Triple P session with Ade.` })
    }

    // Week 12: the review agrees the 10-week step-down.
    const stepDown = at(addDays(started, 7 * 12 - 3))
    await recordReview(
      worker,
      caseId,
      {
        scheduled: /^The week 12 review/,
        attendees: ['The family', 'Key worker', 'Partner agencies'],
        progress: [
          { direction: 'Better', evidence: 'Mondays at school since week 4.', family: 7, worker: 6 },
          { direction: 'Better', evidence: 'Youth club three evenings a week.', family: 6, worker: 6 },
          { direction: 'Better', evidence: 'Two interviews; a trial shift next week.', family: 6, worker: 5 },
        ],
        summary: 'Twelve weeks done: the step-down focuses on the Family Action Plan’s outcomes.',
        decision: 'Start the step-down',
        more: async (a) => {
          await a.date('frequencies-1-from', stepDown)
          await a.page.locator('#frequencies-1-frequency').selectOption({ label: 'Once a week' })
          await a.date('frequencies-2-from', addDays(stepDown, 35))
          await a.page.locator('#frequencies-2-frequency').selectOption({ label: 'Once a fortnight' })
        },
      },
      'week-12',
    )
    await shown(worker.page.getByText('Review recorded'))
    await worker.check('review')
    assert.match(await deadlineStatus(worker, caseId, /Step-down starts after the 12-week programme/), /Met on time/)
    for (const week of [2, 5, 8]) {
      at(addDays(stepDown, 7 * week), 17)
      await recordContact(worker, caseId, { time: '16:30', note: `Synthetic: step-down week ${week} visit.` })
    }

    // The national outcomes at closure, then the closure meeting and the celebration.
    const meeting = at(addDays(stepDown, 7 * 9))
    await nationalOutcomes('At closure', {
      from: '2027-01-04',
      to: addDays(meeting, -3),
      possible: 100,
      attended: 96,
      ade: 'In work',
      offences: 0,
      robin: 'No plan',
    })
    await shown(worker.page.getByText('96.0%').first())
    await worker.checkOwn('progress-closure')
    daysOn(4)
    const closedOn = today()
    await proposeClosure(worker, caseId, {
      reason: 'Robin is at school every day and Ade is in work. Signposted to the family hub and the youth club.',
      destination: /^Signposted to universal services/,
      outcomes: [
        { headline: 'Getting a good education', result: 'Improved', evidence: 'Attendance from 82.9% to 96.0%.' },
        {
          headline: 'Crime prevention and tackling crime',
          result: 'Improved',
          evidence: 'No offences since the start.',
        },
        { headline: 'Financial stability', result: 'Improved', evidence: 'Ade is in work.' },
      ],
      children: [{ name: /Robin/, atHome: 'Yes' }],
      steps: async (a) => {
        await stepDone(a, 'Team Around the Family closure meeting', meeting, 'School, youth club and the family hub.')
        await stepDone(a, 'Family celebration', today(), 'Pizza and certificates at the family hub.')
      },
    })
    await signOffClosure(manager, caseId)
    await followUps(worker, caseId, family.surname, closedOn, ['Robin'])

    const { status, outcomes } = await closedCase(caseId, 1)
    assert.equal(status('end-of-programme'), 'met-on-time')
    assert.equal(status('end-of-step-down'), 'met-on-time')
    assert.equal(outcomes.destination.id, 'universal-services')
    assert.deepEqual(
      outcomes.needs.map((n) => [n.headline, n.result]),
      [
        [1, 'improved'],
        [7, 'improved'],
        [10, 'improved'],
      ],
    )
    await chronologyTells(worker, caseId, [
      /Week 12 review held/,
      /Step-down started/,
      /Closure meeting held/,
      /Case closed/,
    ])
  })
})
