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
  completeAssessment,
  daysOn,
  type Family,
  followUps,
  Journey,
  openReferral,
  proposeClosure,
  recordContact,
  recordReading,
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
 * Issue 6 in the browser: one family through the service in programmes/derbyshire-stronger-families.yaml, from referral
 * to the 12-month follow-up, as the service's source describes it (the steps are in
 * test/helpers/journeys.ts).
 */
useJourneyApp()

test('Derbyshire Stronger Families: "Risk of care identified whereby work with family and wider networks is undertaken", "case consultations and case formulations", then "Reunification which enables the return of children to the family", closing with both children home and follow-ups', {
  skip,
}, async () => {
  const journey = new Journey('derbyshire')
  await journey.run(async () => {
    const started = at('2026-04-13', 9) // Monday
    const social = await journey.as(team.people.socialWorker)
    const manager = await journey.as(team.people.manager)
    const worker = await journey.as(team.people.worker)
    const family: Family = {
      surname: 'Testfamily-Derbyshire',
      children: [
        { givenName: 'Morgan', dateOfBirth: '2019-09-09' },
        { givenName: 'Sky', dateOfBirth: '2021-04-01' },
      ],
      adults: [{ givenName: 'Lee', relationship: 'Father' }],
      postcode: 'DE4 3AG',
      indicators: ['Degenerating parental resilience', 'Risk of family breakdown'],
      happening:
        'Synthetic: Lee has been caring for Morgan and Sky alone since January and is not coping; care has been discussed.',
      hopes: 'Lee wants the children to stay with him, with his sister’s help.',
      givenBy: 'Lee, the children’s father',
    }

    // The allocated worker asks for the team's involvement (Hearth's reading of the route).
    const reference = await referInside(social, /^Stronger Families Team/, family, async (a) => {
      await a.choose('Level 4: statutory (child in need, child protection, looked after)')
      await a.page
        .getByRole('group', { name: /allocated social worker/ })
        .getByLabel('Yes')
        .check()
    })
    await openReferral(manager, reference)
    // "Risk of care identified": the pathway is chosen on accepting.
    await accept(manager, 'A risk of care has been identified; Lee wants to work with us.', /Risk of care$/)
    const caseId = await allocate(manager, family.surname)
    await shown(manager.page.getByText(/works with at most 6 families per worker|Risk of care/).first())

    at(started, 11)
    await startSupport(worker, caseId)
    at(addDays(started, 1), 15)
    await recordContact(worker, caseId, {
      time: '14:00',
      note: 'Synthetic: first visit. Lee, Morgan and Sky at home; Lee’s sister Jo there too.',
    })
    // "working with wider family members and other supporters".
    await worker.open(caseId, 'People and network')
    await worker.button('Add a person').click()
    await worker.choose('Wider family')
    await worker.fill('Given name', 'Jo')
    await worker.fill('Family name', family.surname)
    await worker.fill('Relationship to the children (optional)', 'Paternal aunt')
    await worker.submit('Add person', `Jo ${family.surname} has been added.`)
    await worker.checkOwn('people')

    // "indirect involvement through case consultations and case formulations".
    weeksOn(1)
    await worker.open(caseId, 'Consultations')
    await worker.checkOwn('consultations-empty')
    await worker.button('Record a consultation').click()
    await worker.check('consultation-new')
    await worker.refused('Record the consultation', /./, 'consultation-new-errors')
    await worker.date('heldOn', today())
    await worker.fill('Who took part', 'The allocated worker, the consultant and the team manager')
    await worker.fill("The worker's dilemma", 'How to support Lee without undermining him in front of the children.')
    await worker.fill('Hypotheses (optional)', 'Lee may hear offers of help as a judgement on his parenting.')
    await worker.fill('Ideas agreed (optional)', 'Build on what Lee already does well at bedtime.')
    await worker.fill('Actions agreed (optional)', 'The worker asks Lee what help he would find useful.')
    await worker.date('nextOn', addDays(today(), 28))
    await worker.button('Record the consultation').click()
    await shown(worker.page.getByText(/How to support Lee/).first())
    await worker.button('Record a formulation').click()
    await worker.check('formulation-new')
    await worker.date('writtenOn', today())
    await worker.fill('Presenting factors', 'Lee is exhausted; the children are late to school and often hungry.')
    await worker.fill('Predisposing factors (optional)', 'Lee grew up in care himself.')
    await worker.fill('Precipitating factors (optional)', 'The children’s mother left in January.')
    await worker.fill(
      'Perpetuating factors (optional)',
      'Lee does not ask for help, fearing the children will be removed.',
    )
    await worker.fill('Protective factors (optional)', 'Lee loves the children; his sister Jo lives nearby.')
    await worker.button('Record the formulation').click()
    await shown(worker.page.getByText(/Lee is exhausted/).first())
    await worker.checkOwn('consultations')

    // The assessment, then the plan written from it.
    weeksOn(1)
    await completeAssessment(worker, caseId, 'Synthetic: Lee, Morgan and Sky; the children’s mother left in January.', [
      'Improved family relationships',
      'Children safe from abuse and exploitation',
    ])
    await worker.tab('Plan')
    await worker.button('Start the plan').click()
    await shown(worker.page.getByText('Draft started.'))
    await writeFamilyPlan(worker, 'Morgan and Sky stay at home with Lee, with Jo’s help.', [
      {
        need: 'Lee is exhausted and mornings fall apart.',
        outcome: 'The children get to school fed and on time.',
        headline: 6,
        actions: [
          {
            what: 'Jo does the school run on Mondays and Thursdays.',
            who: 'Jo',
            support: 'Work with wider family members and other supporters',
          },
        ],
      },
      {
        need: 'Lee and the children have little time together that is not a battle.',
        outcome: 'A calm hour together every evening.',
        headline: 5,
        actions: [
          {
            what: 'Weekly session on play and routines at home.',
            who: 'The key worker',
            support: 'Direct, relationship-based work with the family',
          },
        ],
      },
    ])
    await agreePlan(worker, 'Lee and Jo')
    await signOffPlan(manager, caseId, 'Family Action Plan')
    await recordReading(worker, caseId, 'Child living at home or within the network', 'At the start', async (a) => {
      for (const child of ['Morgan', 'Sky']) {
        await a.page
          .getByRole('group', { name: new RegExp(`^${child} `) })
          .getByRole('radio', { name: 'Living at home', exact: true })
          .check()
      }
    })

    // Lee is admitted to hospital; Morgan goes to foster carers. A review changes the pathway to reunification.
    weeksOn(4)
    await recordContact(worker, caseId, {
      note: 'Synthetic: Lee admitted to hospital overnight. Sky stays with Jo; Morgan placed with foster carers.',
      headline: 'Morgan placed with foster carers while Lee is in hospital',
    })
    daysOn(3)
    await recordReview(
      worker,
      caseId,
      {
        attendees: ['The family', 'Key worker', 'Allocated social worker'],
        progress: [
          { direction: 'Worse', evidence: 'Morgan is in foster care.', family: 3, worker: 3 },
          { direction: 'The same', evidence: 'Sky and Lee have their evening hour at Jo’s.', family: 5, worker: 5 },
        ],
        familyView: 'Lee: I want Morgan home as soon as I am well.',
        summary: 'Morgan’s return home is part of the care plan; the work now is reunification.',
        decision: 'Change pathway',
        more: async (a) => {
          await a.choose(/^Reunification/, 'Which pathway will the family move to?')
          await a.fill('Why the pathway is changing', 'Morgan is in care; the care plan is a safe return home.')
        },
      },
      'change-pathway',
    )
    await shown(worker.page.getByText('Review recorded'))
    await worker.check('review')
    await recordReading(worker, caseId, 'Child living at home or within the network', 'At a review', async (a) => {
      await a.page
        .getByRole('group', { name: /^Morgan / })
        .getByRole('radio', { name: 'Not living at home' })
        .check()
      await a.page
        .getByRole('group', { name: /^Sky / })
        .getByRole('radio', { name: 'Living at home', exact: true })
        .check()
    })

    // Morgan comes home; the work ends with both children at home.
    weeksOn(3)
    await recordContact(worker, caseId, {
      note: 'Synthetic: Morgan came home today. Lee, Jo and both children at home.',
      headline: 'Morgan returned home to Lee',
    })
    weeksOn(6)
    await recordContact(worker, caseId, { note: 'Synthetic: six weeks home; mornings calm, school every day.' })
    await recordReview(worker, caseId, {
      attendees: ['The family', 'Key worker', 'Allocated social worker'],
      progress: [
        { direction: 'Better', evidence: 'School every day for six weeks.', family: 8, worker: 7 },
        { direction: 'Better', evidence: 'Evening hour most days.', family: 8, worker: 8 },
      ],
      summary: 'Morgan is home and settled. The family and Jo agree how it will last.',
      decision: 'Close the case',
    })
    await shown(worker.page.getByRole('heading', { name: 'Closure' }))
    const closedOn = today()
    await proposeClosure(worker, caseId, {
      reason: 'Morgan is home, both children are settled, and Jo helps every week.',
      destination: /^Child returned home/,
      outcomes: [
        {
          headline: 'Improved family relationships',
          result: 'Improved',
          evidence: 'Evening hour most days; scaling 5 to 8.',
        },
        {
          headline: 'Children safe from abuse and exploitation',
          result: 'Improved',
          evidence: 'Morgan home; school every day.',
        },
      ],
      children: [
        { name: /Morgan/, atHome: 'Yes' },
        { name: /Sky/, atHome: 'Yes' },
      ],
      steps: (a) => stepDone(a, 'Agree with the family what has changed and how it will last', today()),
    })
    await signOffClosure(manager, caseId)
    await followUps(worker, caseId, family.surname, closedOn, ['Morgan', 'Sky'])

    const { row, status, outcomes } = await closedCase(caseId, 2)
    assert.equal(row.pathway, 'reunification')
    assert.equal(status('six-months'), 'met-on-time')
    assert.equal(outcomes.destination.id, 'returned-home')
    assert.equal(outcomes.everyNeedPositive, true)
    await chronologyTells(worker, caseId, [
      /Morgan placed with foster carers/,
      /Pathway changed to reunification/,
      /Morgan returned home to Lee/,
    ])
  })
})
