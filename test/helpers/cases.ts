import type { Role } from '../../src/domain/access.ts'
import type { RequestContext } from '../../src/services/context.ts'
import type { Services } from '../../src/services/index.ts'
import { referralInputSchema } from '../../src/services/referralInput.ts'
import { addUser } from './app.ts'

/**
 * A synthetic family for each of the five services, referred, matched and accepted through
 * the services, as a manager would: the quickest way to a real case for a test.
 */
export const FAMILIES: Record<
  string,
  {
    children: {
      givenName: string
      familyName: string
      dateOfBirth?: string
      unborn?: boolean
      expectedDueDate?: string
    }[]
    adults: { givenName: string; familyName: string; relationship: string }[]
    facts: Record<string, unknown>
    pathway?: string
  }
> = {
  'derby-staying-together': {
    children: [{ givenName: 'Casey', familyName: 'Novak', dateOfBirth: '2015-03-02' }],
    adults: [{ givenName: 'Dana', familyName: 'Novak', relationship: 'Mother' }],
    facts: { safeguardingLevel: 3, socialWorkerAllocated: true },
  },
  'derbyshire-stronger-families': {
    children: [
      { givenName: 'Morgan', familyName: 'Price', dateOfBirth: '2019-09-09' },
      { givenName: 'Sky', familyName: 'Price', dateOfBirth: '2021-04-01' },
    ],
    adults: [{ givenName: 'Lee', familyName: 'Price', relationship: 'Father' }],
    facts: { safeguardingLevel: 3, socialWorkerAllocated: true },
    pathway: 'risk-of-care',
  },
  'lewisham-safer-stronger': {
    children: [{ givenName: 'Robin', familyName: 'Okafor', dateOfBirth: '2016-12-01' }],
    adults: [{ givenName: 'Ade', familyName: 'Okafor', relationship: 'Mother' }],
    facts: { safeguardingLevel: 2 },
  },
  'staying-together': {
    children: [{ givenName: 'Jordan', familyName: 'Ellis', dateOfBirth: '2012-06-15' }],
    adults: [{ givenName: 'Sam', familyName: 'Ellis', relationship: 'Father' }],
    facts: { safeguardingLevel: 3, socialWorkerAllocated: true },
  },
  'tameside-stars': {
    children: [{ givenName: 'Baby', familyName: 'Adebayo', unborn: true, expectedDueDate: '2027-06-20' }],
    adults: [{ givenName: 'Tola', familyName: 'Adebayo', relationship: 'Mother' }],
    facts: { previousRemovals: 1 },
  },
}

export function userCtx(authorityId: string, userId: string, role: Role): RequestContext {
  return { actor: { type: 'user', authorityId, userId, role } }
}

/** Refers, matches and accepts a family into `programmeId`; returns the case id. */
export async function openCase(services: Services, manager: RequestContext, programmeId: string): Promise<string> {
  const family = FAMILIES[programmeId]
  if (!family) throw new Error(`No synthetic family for ${programmeId}`)
  const calendar = await services.programmes.calendar(manager)
  const { id } = await services.referrals.create(
    manager,
    referralInputSchema.parse({
      programmeId,
      referrer: {
        type: 'professional',
        name: 'Rita Referrer',
        organisation: 'Northshire School',
        role: 'DSL',
        email: 'rita@example.org',
      },
      children: family.children,
      adults: family.adults,
      indicators: ['family-breakdown'],
      whatIsHappening: 'Synthetic: things at home are very hard.',
      consent: { familyAgreed: true, sharingAgreed: true, givenBy: 'The parents' },
      facts: family.facts,
    }),
    'internal',
    calendar,
  )
  let referral = await services.referrals.get(manager, id)
  for (const person of referral.people) await services.referrals.link(manager, id, person.id, 'new')
  const programme = services.programmes.get(programmeId)
  if (programme.referral.caseDiscussion?.required) {
    await services.referrals.recordDiscussion(manager, id, {
      heldOn: services.cases.isoToday(),
      attendees: ['Synthetic manager'],
      presentingIssues: 'Synthetic.',
      criteriaDiscussion: 'Synthetic.',
      risks: 'Synthetic.',
      decision: 'Synthetic.',
    })
  }
  referral = await services.referrals.get(manager, id)
  const { caseId } = await services.referrals.decide(manager, id, referral.row.version, {
    outcome: 'accept',
    ...(family.pathway ? { pathway: family.pathway } : {}),
    rationale: 'Synthetic: the managers agreed.',
  })
  if (!caseId) throw new Error(`${programmeId}: no case was opened`)
  return caseId
}

/**
 * An authority running all five services, with a team, a manager, two key workers and a
 * partner social worker, each with a request context.
 */
export async function caseworkTeam(services: Services, authorityId: string) {
  const cli: RequestContext = { actor: { type: 'cli', authorityId } }
  const { id: teamId } = await services.teams.create(cli, { name: `Family Support ${Date.now()}` })
  const people = {
    manager: await addUser(services, authorityId, 'team_manager', teamId),
    worker: await addUser(services, authorityId, 'practitioner', teamId),
    colleague: await addUser(services, authorityId, 'practitioner', teamId),
    socialWorker: await addUser(services, authorityId, 'social_worker'),
  }
  const admin: RequestContext = { actor: { type: 'cli', authorityId } }
  const running = services.programmes.library().map((p) => p.id)
  await services.programmes.choose(admin, running)
  return {
    teamId,
    people,
    manager: userCtx(authorityId, people.manager.id, 'team_manager'),
    worker: userCtx(authorityId, people.worker.id, 'practitioner'),
    colleague: userCtx(authorityId, people.colleague.id, 'practitioner'),
    socialWorker: userCtx(authorityId, people.socialWorker.id, 'social_worker'),
  }
}
