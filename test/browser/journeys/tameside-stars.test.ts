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
  referPublicly,
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
 * Issue 6 in the browser: one family through the service in programmes/tameside-stars.yaml, from referral
 * to the 12-month follow-up, as the service's source describes it (the steps are in
 * test/helpers/journeys.ts).
 */
useJourneyApp()

test('Tameside STARS: a parent "early in pregnancy (12 weeks or less)" who has "had one or more children removed previously", an Early Help Assessment and action plan with "referrals to other agencies", the pre-birth assessment where "the child remains with the family", "up to a period of 2 years", the baby born at home, closure and follow-ups', {
  skip,
}, async () => {
  const journey = new Journey('tameside')
  await journey.run(async () => {
    const started = at('2027-04-05', 9) // Monday
    const parent = await journey.as({ name: 'Tola Testfamily-Stars', email: 'tola@example.org', password: '' })
    const manager = await journey.as(team.people.manager)
    const worker = await journey.as(team.people.worker)
    // Ten weeks pregnant on the day she refers herself: due 30 weeks later.
    const due = addDays(started, 30 * 7)
    const family: Family = {
      surname: 'Testfamily-Stars',
      children: [{ givenName: 'Baby', dueDate: due }],
      adults: [{ givenName: 'Tola', relationship: 'Mother' }],
      postcode: 'OL6 6DL',
      indicators: [],
      happening:
        'Synthetic: I am ten weeks pregnant. My son was removed three years ago and I want things to be different.',
      hopes: 'To keep my baby and be the mum I want to be.',
      givenBy: 'Tola, for herself',
    }

    // "a parent can refer themselves".
    const reference = await referPublicly(
      parent,
      /^STARS/,
      { parent: true, name: 'Tola Testfamily-Stars', email: 'tola@example.org' },
      family,
    )
    await openReferral(manager, reference)
    await manager.page.getByText('Correct or add facts for screening').click()
    await manager.fill('Children removed from either parent before', '1')
    await manager.submit('Save and screen again', 'The facts are saved and the screening has been run again.')
    await shown(manager.page.getByText(/12 weeks or less/).first())
    await manager.check('referral-screened')
    await accept(manager, 'Ten weeks pregnant with one child removed before; a risk of removal of this baby.')
    const caseId = await allocate(manager, family.surname)

    at(started, 14)
    await startSupport(worker, caseId)
    at(addDays(started, 2), 12)
    await recordContact(worker, caseId, {
      time: '11:00',
      note: 'Synthetic: first visit; Tola talked about her son and what she wants now.',
    })

    // "A families strengths and their worries will be captured within an Early Help Assessment".
    weeksOn(2)
    await completeAssessment(
      worker,
      caseId,
      'Synthetic: Tola, expecting her second child; her son lives with his grandmother.',
      ['Good early years development', 'Improved mental and physical health'],
    )
    // "an action plan will be created which includes next steps and referrals to other agencies".
    await worker.tab('Plan')
    await worker.button('Start the plan').click()
    await shown(worker.page.getByText('Draft started.'))
    await writeFamilyPlan(worker, 'Tola ready and confident to care for her baby, with people around her.', [
      {
        need: 'Tola feels low and anxious about the birth.',
        outcome: 'Tola feels well enough to enjoy the pregnancy.',
        headline: 3,
        actions: [
          {
            what: 'Referral to the perinatal mental health team.',
            who: 'The key worker',
            support: "Parents' emotional health and wellbeing (trauma-informed)",
          },
        ],
      },
      {
        need: 'Tola is not sure what a newborn needs day to day.',
        outcome: 'Tola knows her baby’s routines and feels confident.',
        headline: 2,
        actions: [
          {
            what: 'Weekly 1:1 parenting sessions before the birth.',
            who: 'The key worker',
            support: '1:1 and group parenting support',
          },
        ],
      },
    ])
    await agreePlan(worker, 'Tola')
    await signOffPlan(manager, caseId, 'Action plan')
    await recordReading(
      worker,
      caseId,
      "Parent's confidence in caring for their newborn, 0 to 10",
      'At the start',
      async (a) => {
        await a.page
          .getByRole('group', { name: 'The family' })
          .getByRole('textbox', { name: /^Score/ })
          .fill('3')
      },
    )

    // Consent to the onward referral, then the referral: chased when overdue, and answered.
    await worker.open(caseId, 'People and network')
    await worker.button('Record consent').click()
    await worker.check('consent-new')
    await worker.page.getByLabel('Whose decision is it?').selectOption({ label: `Tola ${family.surname} (parent)` })
    await worker.choose('Referral to another agency')
    await worker.choose('Consent given')
    await worker.date('decidedOn', today())
    await worker.choose('In writing')
    await worker.submit('Save consent', 'The consent decision has been recorded.')
    await worker.tab('Plan')
    await worker.link('Record an onward referral').click()
    await worker.check('onward-referral-new')
    await worker.fill('Which agency was the referral sent to?', 'Perinatal mental health team')
    await worker.fill(
      'Why is the family being referred?',
      'Tola feels low and anxious; she asked for specialist support before the birth.',
    )
    await worker.page.getByLabel('Which goal of the plan does it work towards? (optional)').selectOption({ index: 1 })
    await worker.date('sentOn', today())
    await worker.choose('With consent')
    await worker.button('Record the referral').click()
    await shown(worker.page.getByText('Perinatal mental health team').first())
    await worker.check('onward-referral')
    weeksOn(3)
    await worker.go('/work')
    await shown(worker.page.getByRole('row', { name: /Response from Perinatal mental health team/ }))
    await worker.check('work-onward-referral')
    await worker.go(`/cases/${caseId}/onward-referrals`)
    await shown(worker.page.getByText(/Overdue/).first())
    await worker.check('onward-referrals')
    await worker.link('Perinatal mental health team').click()
    await worker.button('Record a chase').click()
    await worker.check('onward-referral-chase')
    await worker.date('chasedOn', today())
    await worker.date('responseDueOn', addDays(today(), 7))
    await worker.button('Record the chase').click()
    await shown(worker.page.getByText(/chase/i).first())
    daysOn(4)
    await worker.go(`/cases/${caseId}/onward-referrals`)
    await worker.link('Perinatal mental health team').click()
    await worker.button('Record the response').click()
    await worker.check('onward-referral-response')
    await worker.date('respondedOn', today())
    await worker.choose('Accepted')
    await worker.fill('What did they say? (optional)', 'First appointment in two weeks; they will write to Tola.')
    await worker.button('Save the response').click()
    await shown(worker.page.getByText(/Responded|Accepted/).first())

    // "Following the outcome of the pre- birth assessment, where the child remains with the family".
    const outcome = at(addDays(started, 7 * 17))
    await worker.open(caseId, 'Reviews')
    await worker.button('Record the pre-birth assessment outcome').click()
    await worker.checkOwn('pre-birth-outcome')
    await worker.date('decidedOn', today())
    await worker.choose(/^Child remains with the family/, 'What was the outcome?')
    await worker.fill('Note (optional)', 'The pre-birth assessment found Tola can care for her baby with support.')
    await worker.submit('Record the outcome', 'Pre-birth assessment outcome recorded')
    await worker.checkOwn('reviews-after-pre-birth')
    await shown(worker.page.getByText(/Intensive early help support, week 1 of 104/).first())

    // The baby is born: the unborn baby becomes a child with a date of birth.
    const born = at(addDays(due, -3), 15)
    daysOn(2)
    await worker.open(caseId, 'People and network')
    await worker.link(/^Change Baby /).click()
    await worker.check('person-edit')
    await worker.choose('Child', 'Who are they to the family?')
    await worker.fill('Given name', 'Kemi')
    await worker.date('dateOfBirth', born)
    for (const part of ['day', 'month', 'year']) await worker.page.locator(`#expectedDueDate-${part}`).fill('')
    await worker.submit('Save changes', /details are saved/)
    // A birth is a significant event: the key worker adds it to the family's chronology.
    await worker.tab('Chronology')
    await worker.button('Add an entry').click()
    await worker.date('occurredOn', born)
    await worker.fill('Headline', 'Kemi was born, healthy, and went home with Tola')
    await worker.choose('Health')
    await worker.fill('Source (optional)', 'Tola, and the midwife')
    await worker.button('Add to the chronology').click()
    await shown(worker.page.getByRole('heading', { name: 'Kemi was born, healthy, and went home with Tola' }))
    await recordContact(worker, caseId, {
      note: 'Synthetic: first visit since Kemi was born; feeding well, Tola proud.',
    })

    // Support "with a primary focus on attachment, parenting, and child development", then closure well within two years.
    weeksOn(10)
    await recordContact(worker, caseId, { note: 'Synthetic: Kemi smiling; Tola’s mum and sister visit every week.' })
    await recordReading(
      worker,
      caseId,
      "Parent's confidence in caring for their newborn, 0 to 10",
      'At closure',
      async (a) => {
        await a.page
          .getByRole('group', { name: 'The family' })
          .getByRole('textbox', { name: /^Score/ })
          .fill('8')
      },
    )
    const closedOn = today()
    await proposeClosure(worker, caseId, {
      reason: 'Kemi is thriving at home and Tola has her family and the health visitor around her.',
      destination: /^Baby living with the family/,
      outcomes: [
        { headline: 'Good early years development', result: 'Improved', evidence: 'Health visitor: Kemi on track.' },
        {
          headline: 'Improved mental and physical health',
          result: 'Improved',
          evidence: 'Confidence 3 to 8; perinatal team involved.',
        },
      ],
      children: [{ name: /Kemi/, atHome: 'Yes' }],
      steps: (a) =>
        stepDone(a, 'A support network the parents can ask for help and guidance', today(), 'Tola’s mum and sister.'),
    })
    await signOffClosure(manager, caseId)
    await followUps(worker, caseId, family.surname, closedOn, ['Kemi'])

    const { row, status, outcomes } = await closedCase(caseId, 1)
    assert.equal(row.pathway, 'child-remains')
    assert.equal(status('end-of-support'), 'met-on-time')
    assert.ok(outcome < closedOn)
    assert.equal(outcomes.destination.id, 'family-together')
    await chronologyTells(worker, caseId, [
      /Kemi was born/,
      /Referral to Perinatal mental health team sent/,
      /Response from Perinatal mental health team: accepted/i,
    ])
  })
})
