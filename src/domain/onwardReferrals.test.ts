import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { loadProgrammeLibrary } from '../programmes/library.ts'
import { calendarFor } from './bankHolidays.ts'
import type { NetworkConsent, NetworkPerson } from './network.ts'
import {
  chaseDays,
  chaseProblems,
  isReferralBasis,
  REFERRAL_BASES,
  referralConsent,
  referralSources,
  referralState,
  responseProblems,
  sendingProblems,
  shortReason,
  suggestedChaseDue,
  suggestedResponseDue,
} from './onwardReferrals.ts'
import type { Programme } from './programme/schema.ts'

const calendar = calendarFor()
const library = loadProgrammeLibrary()
const programme = (id: string) => library.get(id) as Programme
/** Midday in London on a winter day (GMT). */
const noon = (day: string) => new Date(`${day}T12:00:00Z`)

describe('when a response is due', () => {
  test('10 working days after sending by default, skipping weekends and bank holidays', () => {
    // Monday 2 March 2026 → Monday 16 March 2026.
    assert.equal(suggestedResponseDue('2026-03-02', calendar), '2026-03-16')
    // Sent Thursday 26 March 2026: Good Friday (3 April) and Easter Monday (6 April) do not count.
    assert.equal(suggestedResponseDue('2026-03-26', calendar), '2026-04-13')
  })

  test('a chase suggests 5 working days on', () => {
    assert.equal(suggestedChaseDue('2026-03-20', calendar), '2026-03-27')
  })
})

describe('where a referral stands', () => {
  const referral = { agency: 'Housing Options', sentOn: '2026-03-02', responseDueOn: '2026-03-16', respondedOn: null }

  test('waiting, due soon two days before, overdue after the end of the due day — as the case deadline counts', () => {
    assert.equal(referralState(referral, noon('2026-03-13')), 'waiting')
    assert.equal(referralState(referral, new Date('2026-03-13T23:59:00Z')), 'waiting')
    assert.equal(
      referralState(referral, new Date('2026-03-14T00:00:01Z')),
      'due-soon',
      'from the start of the day two days before',
    )
    assert.equal(referralState(referral, noon('2026-03-15')), 'due-soon')
    assert.equal(referralState(referral, new Date('2026-03-16T23:59:00Z')), 'due-soon')
    assert.equal(referralState(referral, new Date('2026-03-17T00:00:01Z')), 'overdue')
  })

  test('once the agency responds, it has responded, whenever that was', () => {
    assert.equal(referralState({ ...referral, respondedOn: '2026-04-30' }, noon('2026-05-01')), 'responded')
  })
})

describe('checking the dates of a referral sent', () => {
  const context = { today: '2026-03-10', acceptedOn: '2026-03-02' }

  test('sent today or earlier, on or after acceptance; the response due on or after the day it was sent', () => {
    assert.deepEqual(sendingProblems({ sentOn: '2026-03-02', responseDueOn: '2026-03-02' }, context), {})
    assert.deepEqual(sendingProblems({ sentOn: '2026-03-10', responseDueOn: '2026-03-24' }, context), {})
    assert.match(sendingProblems({ sentOn: '2026-03-11' }, context).sentOn ?? '', /today or in the past/)
    assert.match(
      sendingProblems({ sentOn: '2026-03-01' }, context).sentOn ?? '',
      /on or after 2 March 2026, when the family was accepted/,
    )
    assert.deepEqual(sendingProblems({ sentOn: '2026-03-05', responseDueOn: '2026-03-04' }, context), {
      responseDueOn: 'The date a response is due must be on or after the date the referral was sent',
    })
  })

  test('a corrected date cannot move after its first chase or its response', () => {
    assert.match(
      sendingProblems({ sentOn: '2026-03-06' }, { ...context, firstChasedOn: '2026-03-05' }).sentOn ?? '',
      /on or before 5 March 2026, when it was first chased/,
    )
    assert.match(
      sendingProblems({ sentOn: '2026-03-06' }, { ...context, respondedOn: '2026-03-04' }).sentOn ?? '',
      /on or before 4 March 2026, when the agency responded/,
    )
  })
})

describe('chasing', () => {
  const waiting = { sentOn: '2026-03-02', chasedOn: [] as string[], respondedOn: null }

  test('any time while waiting: on or after sending, not in the future, a new due date after the chase', () => {
    assert.deepEqual(chaseProblems({ chasedOn: '2026-03-03', responseDueOn: '2026-03-04' }, waiting, '2026-03-10'), {})
    assert.match(
      chaseProblems({ chasedOn: '2026-03-11' }, waiting, '2026-03-10').chasedOn ?? '',
      /today or in the past/,
    )
    assert.match(
      chaseProblems({ chasedOn: '2026-03-01' }, waiting, '2026-03-10').chasedOn ?? '',
      /on or after 2 March 2026, when the referral was sent/,
    )
    assert.match(
      chaseProblems({ chasedOn: '2026-03-05', responseDueOn: '2026-03-05' }, waiting, '2026-03-10').responseDueOn ?? '',
      /must be after the date it was chased/,
    )
  })

  test('each chase comes after the last one', () => {
    const chased = { ...waiting, chasedOn: ['2026-03-05'] }
    assert.match(
      chaseProblems({ chasedOn: '2026-03-05', responseDueOn: '2026-03-12' }, chased, '2026-03-10').chasedOn ?? '',
      /after 5 March 2026, when it was last chased/,
    )
    assert.deepEqual(chaseProblems({ chasedOn: '2026-03-06', responseDueOn: '2026-03-12' }, chased, '2026-03-10'), {})
  })

  test('not once the agency has responded', () => {
    assert.deepEqual(
      chaseProblems({ chasedOn: '2026-03-06' }, { ...waiting, respondedOn: '2026-03-05' }, '2026-03-10'),
      { form: 'The agency has already responded, so the referral cannot be chased' },
    )
  })

  test('the chase days stored are read back as dates only', () => {
    assert.deepEqual(chaseDays(['2026-03-05', 7, null, '2026-03-09']), ['2026-03-05', '2026-03-09'])
    assert.deepEqual(chaseDays(null), [])
  })
})

describe('the response', () => {
  test('on or after the day the referral was sent, and not in the future', () => {
    const sent = { sentOn: '2026-03-02' }
    assert.deepEqual(responseProblems({ respondedOn: '2026-03-02' }, sent, '2026-03-10'), {})
    assert.match(responseProblems({ respondedOn: '2026-03-11' }, sent, '2026-03-10').respondedOn ?? '', /past/)
    assert.match(
      responseProblems({ respondedOn: '2026-03-01' }, sent, '2026-03-10').respondedOn ?? '',
      /on or after 2 March 2026, when the referral was sent/,
    )
  })
})

describe('the consent behind a referral', () => {
  const people: NetworkPerson[] = [
    { personId: 'mum', givenName: 'Tola', familyName: 'Testfamily', role: 'adult' },
    { personId: 'baby', givenName: 'Baby', familyName: 'Testfamily', role: 'unborn', expectedDueDate: '2026-09-01' },
    { personId: 'dad', givenName: 'Kit', familyName: 'Testfamily', role: 'parent' },
  ]
  const consent = (over: Partial<NetworkConsent>): NetworkConsent => ({
    id: 'c1',
    personId: 'mum',
    purpose: 'onward-referral',
    agency: null,
    decision: 'given',
    decidedOn: '2026-03-01',
    ...over,
  })

  test('with consent as the basis and no one consenting to a referral, Hearth warns (it does not block)', () => {
    const assessmentOnly = [consent({ purpose: 'assessment' })]
    const result = referralConsent('consent', 'Housing Options', people, assessmentOnly, '2026-03-05')
    assert.equal(result.warning, true)
    assert.deepEqual(
      result.notFrom.map((p) => p.personId),
      ['mum', 'dad'],
      'the parents must consent; the unborn baby cannot',
    )
  })

  test('consent to refer to any agency, or to this agency by name, covers the referral', () => {
    const any = referralConsent('consent', 'Housing Options', people, [consent({})], '2026-03-05')
    assert.equal(any.warning, false)
    assert.deepEqual(
      any.consentedBy.map((p) => p.personId),
      ['mum'],
    )
    assert.deepEqual(
      any.notFrom.map((p) => p.personId),
      ['dad'],
    )
    const named = [consent({ agency: ' housing options ' })]
    assert.equal(referralConsent('consent', 'Housing Options', people, named, '2026-03-05').warning, false)
    assert.equal(referralConsent('consent', 'Perinatal Mental Health', people, named, '2026-03-05').warning, true)
    // A blank form has no agency yet: only consent to any agency counts.
    assert.equal(referralConsent('consent', undefined, people, named, '2026-03-05').warning, true)
  })

  test('consent refused, withdrawn or given later does not count', () => {
    for (const c of [
      consent({ decision: 'refused' }),
      consent({ withdrawnOn: '2026-03-04' }),
      consent({ decidedOn: '2026-03-06' }),
    ]) {
      assert.equal(referralConsent('consent', 'Housing Options', people, [c], '2026-03-05').warning, true)
    }
  })

  test('a lawful reason needs no consent, and is said plainly', () => {
    const result = referralConsent('significant-harm', 'Housing Options', people, [], '2026-03-05')
    assert.equal(result.warning, false)
    assert.equal(result.lawfulReason, 'Risk of significant harm to a child')
    assert.equal(REFERRAL_BASES['significant-harm'], 'Without consent: Risk of significant harm to a child')
    assert.equal(isReferralBasis('consent'), true)
    assert.equal(isReferralBasis('legal-duty'), true)
    assert.equal(isReferralBasis('because'), false)
  })
})

describe('the service’s own words', () => {
  test('STARS: "referrals to other agencies to provide additional targeted support"', () => {
    const sources = referralSources(programme('tameside-stars'))
    assert.equal(sources[0]?.about, 'Action plan')
    assert.match(sources[0]?.source ?? '', /referrals to other agencies to provide additional targeted support/)
  })

  test('Staying Together: "Support and co-ordination of services for a young person presenting as homeless"', () => {
    const sources = referralSources(programme('staying-together'))
    assert.deepEqual(sources, [
      {
        about: 'Support and co-ordination of services for a young person presenting as homeless',
        source: 'It will support and co-ordinate services for them.',
      },
    ])
  })

  test('a service that says nothing about it has no quote', () => {
    assert.deepEqual(referralSources(programme('lewisham-safer-stronger')), [])
  })
})

describe('a reason, cut short for the list', () => {
  test('the first line, whole words, with an ellipsis', () => {
    assert.equal(shortReason('Housing advice\nMore detail'), 'Housing advice')
    const long = 'Jordan needs a safe place to stay tonight and support to return home when things calm down a little'
    const short = shortReason(long, 40)
    assert.ok(short.length <= 40, short)
    assert.match(short, /^Jordan needs a safe place to stay…$/)
  })
})
