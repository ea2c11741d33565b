import { randomBytes } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { Config } from '../config.ts'
import type { Database } from '../db/client.ts'
import { team } from '../db/schema/index.ts'
import type { Role } from '../domain/access.ts'
import { addDays, type IsoDate, londonDate, londonMoment } from '../domain/isoDate.ts'
import type { Programme } from '../domain/programme/schema.ts'
import type { ProgrammeLibrary } from '../programmes/library.ts'
import type { RequestContext } from '../services/context.ts'
import { createServices, type Services } from '../services/index.ts'
import { referralInputSchema } from '../services/referralInput.ts'

/**
 * `hearth demo`: fills an authority with synthetic families at every stage of all five
 * services, so that a new user sees a living service straight away.
 *
 * Every family's story is played through the services as it would happen, on a clock that
 * Hearth is told is the day each thing happened: the referral weeks ago, the first visit two
 * days later, the reviews on their weeks. So deadlines, the chronology and the audit trail are
 * all what real use would make. The same seed gives the same families; a second run finds the
 * demo team and changes nothing.
 */

export const DEMO_TEAM = 'Demo family support team'
export const DEMO_EMAIL_DOMAIN = 'demo.hearth.example'

/** Plainly invented family names: nobody should mistake a demo family for a real one. */
const SURNAMES = [
  'Pennywhistle',
  'Bramblewick',
  'Thistledown',
  'Quillfeather',
  'Puddleford',
  'Larkspur',
  'Nettlefield',
  'Oakenshaw',
  'Rushbrook',
  'Willowby',
  'Yarrowfield',
  'Buttercombe',
  'Cloverdale',
  'Foxglove',
  'Gorsebrook',
  'Hollowell',
  'Juniperwood',
  'Kingfisher',
  'Meadowsweet',
  'Fernsby',
  'Tumbledown',
  'Moonpenny',
  'Applewhite',
  'Dandelion',
  'Elderbrook',
  'Heatherby',
  'Marigold',
  'Snowberry',
  'Teasel',
  'Wrenfield',
] as const
const CHILD_NAMES = ['Alfie', 'Bea', 'Cody', 'Dot', 'Eli', 'Fen', 'Gus', 'Hattie', 'Iggy', 'Juno', 'Kit', 'Lottie']
const ADULT_NAMES = ['Morgan', 'Nell', 'Ozzy', 'Pip', 'Rae', 'Stevie', 'Tam', 'Val', 'Wynn', 'Zed']

/** A small, seeded random number generator (mulberry32): the same seed, the same families. */
export function seeded(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T,
    between: (low: number, high: number) => low + Math.floor(next() * (high - low + 1)),
  }
}
type Random = ReturnType<typeof seeded>

/** How far along each demo family is. */
export const DEMO_STAGES = {
  referred: 'A new referral, waiting for a decision',
  accepted: 'Accepted, waiting for the first visit',
  starting: 'Support started, assessment under way',
  working: 'Well into the work, plan agreed and reviewed',
  'stepping-down': 'In the step-down',
  closed: 'Closed, with follow-ups',
} as const
export type DemoStage = keyof typeof DEMO_STAGES

export interface DemoOptions {
  seed: number
  authorityId?: string
  /** Run even when NODE_ENV is production. */
  force: boolean
}

export interface DemoResult {
  created: boolean
  authorityId: string
  families: number
  users: { email: string; name: string; role: Role }[]
  /** Only when the demo users were created by this run. */
  password?: string
}

export class DemoRefused extends Error {}

/** A family's members, as the referral gives them. */
interface DemoFamily {
  surname: string
  children: { givenName: string; dateOfBirth?: IsoDate; unborn?: boolean; expectedDueDate?: IsoDate }[]
  adults: { givenName: string; relationship: string }[]
}

export async function runDemo(
  database: Database,
  config: Config,
  library: ProgrammeLibrary,
  options: DemoOptions,
  io: { err(line: string): void },
): Promise<DemoResult> {
  if (config.production && !options.force) {
    throw new DemoRefused(
      'Hearth is running in production mode (NODE_ENV=production): the demo would mix invented families with real ones. Use --force only on a server that holds no real records.',
    )
  }
  const realNow = new Date()
  let now = realNow
  const services = createServices(database, () => now, config, { library })
  const at = (moment: Date) => {
    now = moment
  }

  const authorityId = options.authorityId ?? (await demoAuthority(services, database))
  const cli: RequestContext = { actor: { type: 'cli', authorityId } }

  const existing = await database.withTenant(authorityId, (tx) =>
    tx
      .select({ id: team.id })
      .from(team)
      .where(and(eq(team.authorityId, authorityId), eq(team.name, DEMO_TEAM))),
  )
  if (existing.length > 0) {
    return { created: false, authorityId, families: 0, users: [] }
  }

  const random = seeded(options.seed)
  const password = `demo-${randomBytes(9).toString('base64url')}`
  const { id: teamId } = await services.teams.create(cli, { name: DEMO_TEAM })
  const people = [
    { key: 'manager', name: 'Demo Manager', role: 'team_manager' as Role, teamId },
    { key: 'worker', name: 'Demo Key Worker', role: 'practitioner' as Role, teamId },
    { key: 'colleague', name: 'Demo Family Worker', role: 'practitioner' as Role, teamId },
    { key: 'social', name: 'Demo Social Worker', role: 'social_worker' as Role, teamId: undefined },
  ]
  const ctxs: Record<string, RequestContext> = {}
  const users: DemoResult['users'] = []
  for (const person of people) {
    const email = `${person.key}@${DEMO_EMAIL_DOMAIN}`
    const { id } = await services.users.create(
      cli,
      { email, name: person.name, role: person.role, ...(person.teamId ? { teamId: person.teamId } : {}) },
      { password },
    )
    ctxs[person.key] = { actor: { type: 'user', authorityId, userId: id, role: person.role } }
    users.push({ email, name: person.name, role: person.role })
  }
  const ids = Object.fromEntries(Object.entries(ctxs).map(([key, ctx]) => [key, ctx.actor.userId as string])) as Record<
    string,
    string
  >

  const programmes = library.programmes.map((p) => p.id)
  await services.programmes.choose(cli, programmes)

  let families = 0
  const surnames = [...SURNAMES]
  for (const programme of library.programmes) {
    for (const stage of stagesFor(programme)) {
      const index = Math.floor(random.next() * surnames.length)
      const [surname] = surnames.splice(index, 1)
      const referredOn = addDays(londonDate(realNow), -DAYS_AGO[stage])
      const family = makeFamily(programme, surname ?? `Demo${families}`, random, referredOn)
      const story = new Story(services, programme, family, stage, ctxs, ids, random, at, realNow)
      await story.play()
      families += 1
      io.err(`  ${programme.name}: the ${family.surname} family (${DEMO_STAGES[stage].toLowerCase()})`)
    }
  }
  at(realNow)
  return { created: true, authorityId, families, users, password }
}

/** The authority to fill: the only one there is, or a new demo authority if there are none. */
async function demoAuthority(services: Services, database: Database): Promise<string> {
  const { authority } = await import('../db/schema/index.ts')
  const all = await database.asOwner((tx) => tx.select({ id: authority.id }).from(authority))
  if (all.length === 1) return all[0]?.id as string
  if (all.length > 1) {
    throw new DemoRefused('There is more than one authority: say which with --authority ID.')
  }
  return services.setup.createAuthority('Northshire Demo Council')
}

/** Each programme shows every stage it has; a step-down only where the programme has one. */
export function stagesFor(programme: Programme): DemoStage[] {
  const stages: DemoStage[] = ['referred', 'accepted', 'starting', 'working']
  if (programme.phases.some((p) => p.startsWith === 'step-down-started')) stages.push('stepping-down')
  stages.push('closed')
  return stages
}

/** How many days ago the family was referred, by how far along it is. */
const DAYS_AGO: Record<DemoStage, number> = {
  referred: 1,
  accepted: 4,
  starting: 20,
  working: 62,
  'stepping-down': 112,
  closed: 300,
}

/** A family as referred on `referredOn`: an expectant family for a pre-birth service, children otherwise. */
function makeFamily(programme: Programme, surname: string, random: Random, referredOn: IsoDate): DemoFamily {
  const unborn =
    programme.eligibility.rule.type === 'all' && JSON.stringify(programme.eligibility).includes('gestation')
  const adults = [{ givenName: random.pick(ADULT_NAMES), relationship: 'Mother' }]
  if (random.next() < 0.5) adults.push({ givenName: random.pick(ADULT_NAMES), relationship: 'Father' })
  if (unborn) {
    return {
      surname,
      adults,
      children: [{ givenName: 'Baby', unborn: true, expectedDueDate: addDays(referredOn, 7 * random.between(28, 30)) }],
    }
  }
  const teenager = JSON.stringify(programme.eligibility).includes('"minimum":{"years":8') || random.next() < 0.3
  const count = random.between(1, 3)
  const children = Array.from({ length: count }, (_, i) => ({
    givenName: random.pick(CHILD_NAMES),
    dateOfBirth: addDays(referredOn, -365 * (teenager ? 13 - i * 2 : 9 - i * 3) - random.between(0, 300)),
  }))
  return { surname, adults, children }
}

/** One family's story, played through the services on the demo clock. */
class Story {
  caseId?: string
  constructor(
    readonly services: Services,
    readonly programme: Programme,
    readonly family: DemoFamily,
    readonly stage: DemoStage,
    readonly ctx: Record<string, RequestContext>,
    readonly ids: Record<string, string>,
    readonly random: Random,
    readonly at: (moment: Date) => void,
    readonly realNow: Date,
  ) {}

  daysAgo(): number {
    return DAYS_AGO[this.stage]
  }

  /** Sets the clock to `day` days after the referral, at a working hour (never later than now). */
  day(day: number, hour = 10) {
    const start = addDays(londonDate(this.realNow), -this.daysAgo())
    const moment = londonMoment(addDays(start, day), hour, 0)
    this.at(moment.getTime() > this.realNow.getTime() ? this.realNow : moment)
    return moment
  }

  get manager() {
    return this.ctx.manager as RequestContext
  }
  get worker() {
    return this.ctx.worker as RequestContext
  }

  async play() {
    this.day(0, this.stage === 'referred' ? 9 : 10)
    const referralId = await this.refer()
    if (this.stage === 'referred') return
    this.caseId = await this.accept(referralId)
    if (this.stage === 'accepted') return
    await this.allocate()
    this.day(2)
    await this.contact('home-visit', 'First home visit: met the family at home.')
    this.day(3)
    await this.services.cases.move(
      this.worker,
      this.caseId,
      (await this.services.cases.open(this.worker, this.caseId)).row.version,
      'support-started',
      this.day(3, 11),
    )
    const due = this.family.children.find((c) => c.unborn)?.expectedDueDate
    for (let day = 6; day <= this.daysAgo() - 2 && day <= 7 * 26; day += 7) {
      if (due && londonDate(this.day(day, 9)) >= due && !this.bornAt) await this.born(due)
      this.day(day, 14)
      await this.contact(day % 14 === 6 ? 'home-visit' : 'phone', 'Weekly session: talked through how the week went.')
    }
  }

  bornAt?: IsoDate

  /** The baby arrives: the unborn child becomes a child, born on the due date. */
  async born(on: IsoDate) {
    const caseId = this.caseId as string
    const network = await this.services.network.network(this.worker, caseId, { audited: false })
    const baby = network.people.find((p) => p.role === 'unborn')
    if (!baby) return
    await this.services.network.updatePerson(this.worker, caseId, baby.personId, {
      role: 'child',
      givenName: `${this.random.pick(CHILD_NAMES)}`,
      familyName: baby.familyName,
      dateOfBirth: on,
      relationship: baby.relationship,
      version: baby.version,
    })
    this.bornAt = on
  }

  async refer(): Promise<string> {
    const calendar = await this.services.programmes.calendar(this.manager)
    const { id } = await this.services.referrals.create(
      this.manager,
      referralInputSchema.parse({
        programmeId: this.programme.id,
        referrer: {
          type: 'professional',
          name: 'Demo Referrer',
          organisation: 'Northshire Demo School',
          role: 'Designated safeguarding lead',
          email: `referrer@${DEMO_EMAIL_DOMAIN}`,
        },
        children: this.family.children.map((c) => ({ ...c, familyName: this.family.surname })),
        adults: this.family.adults.map((a) => ({ ...a, familyName: this.family.surname })),
        indicators: ['family-breakdown', 'parental-conflict'],
        whatIsHappening: 'Invented for the demo: arguments at home have grown, and the family would like help.',
        hopedChange: 'Calmer evenings, and the children back in school every day.',
        consent: { familyAgreed: true, sharingAgreed: true, givenBy: 'The parents' },
        facts: {
          safeguardingLevel: 3,
          socialWorkerAllocated: true,
          previousRemovals: 1,
          childInNeedStepDown: true,
          youngPersonHomeless: false,
        },
      }),
      'internal',
      calendar,
    )
    return id
  }

  async accept(referralId: string): Promise<string> {
    const referral = await this.services.referrals.get(this.manager, referralId)
    for (const person of referral.people) await this.services.referrals.link(this.manager, referralId, person.id, 'new')
    if (this.programme.referral.caseDiscussion?.required) {
      await this.services.referrals.recordDiscussion(this.manager, referralId, {
        heldOn: londonDate(this.day(0, 15)),
        attendees: ['Demo Manager', 'Demo Key Worker'],
        presentingIssues: 'Invented for the demo.',
        criteriaDiscussion: 'The family meets the criteria.',
        risks: 'Invented for the demo.',
        decision: 'Accept.',
      })
    }
    this.day(0, 16)
    const current = await this.services.referrals.get(this.manager, referralId)
    const pathway = this.programme.pathwayChosenAt?.event === 'accepted' ? this.programme.pathways[0]?.id : undefined
    const { caseId } = await this.services.referrals.decide(this.manager, referralId, current.row.version, {
      outcome: 'accept',
      ...(pathway ? { pathway } : {}),
      rationale: 'Invented for the demo: the family meets the criteria and would like the help.',
    })
    if (!caseId) throw new Error('The demo referral did not open a case')
    return caseId
  }

  async allocate() {
    const caseId = this.caseId as string
    this.day(1)
    const shell = await this.services.cases.open(this.manager, caseId)
    await this.services.cases.allocate(this.manager, caseId, {
      keyWorkerId: this.ids.worker as string,
      coWorkerId: this.ids.colleague,
      socialWorker: { userId: this.ids.social as string },
      version: shell.row.version,
      reason: 'Demo caseload',
    })
  }

  async contact(type: 'home-visit' | 'phone', note: string) {
    const caseId = this.caseId as string
    const network = await this.services.network.network(this.worker, caseId, { audited: false })
    const children = network.people.filter((p) => p.role === 'child')
    const visit = type === 'home-visit'
    await this.services.contacts.record(this.worker, caseId, {
      occurredAt: this.services.clock(),
      type,
      outcome: 'completed',
      present: visit ? network.people.map((p) => p.personId) : [],
      children: children.map((c) => ({ personId: c.personId, seen: visit, seenAlone: false })),
      note,
    })
  }
}
