import { randomBytes } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { Config } from '../config.ts'
import type { Database } from '../db/client.ts'
import { team } from '../db/schema/index.ts'
import type { Role } from '../domain/access.ts'
import { closureSteps } from '../domain/closure.ts'
import { addDays, addMonths, daysBetween, type IsoDate, londonDate, londonMoment, weekday } from '../domain/isoDate.ts'
import { subjectOf } from '../domain/measures.ts'
import type { Criterion, Duration, Measure, Programme } from '../domain/programme/schema.ts'
import type { ContactFrequency, Participant } from '../domain/programme/vocabulary.ts'
import type { ReviewDecision } from '../domain/reviews.ts'
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
 * days later, the plan agreed with the family, the reviews in their weeks, the step-down, the
 * closure and the follow-ups after it. So deadlines, the chronology and the audit trail are all
 * what real use would make. What happens follows the programme file, not the service's name: a
 * crisis plan where the programme writes one, its scheduled reviews (or reviews when the work
 * needs one), a further cycle where it offers one, its step-down, its pathways, its measures and
 * its closure steps. The same seed gives the same families; a second run finds the demo team and
 * changes nothing.
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
  'Bumbleford',
  'Dewberry',
  'Fiddlewick',
  'Lanternwick',
  'Mossbottom',
  'Quincewood',
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
  working: 'Well into the work, plan agreed',
  'stepping-down': 'In the step-down',
  closing: 'Ending early, closure waiting for sign-off',
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
  /** Each family: its service, how far along it is, and its referral and case. */
  stories: DemoStory[]
  users: { email: string; name: string; role: Role }[]
  /** Only when the demo users were created by this run. */
  password?: string
}

export interface DemoStory {
  programmeId: string
  stage: DemoStage
  surname: string
  referralId: string
  caseId?: string
}

export class DemoRefused extends Error {}

/** A family's members, as the referral gives them. */
interface DemoFamily {
  surname: string
  children: { givenName: string; dateOfBirth?: IsoDate; unborn?: boolean; expectedDueDate?: IsoDate }[]
  adults: { givenName: string; relationship: string }[]
}

/** The people the demo creates, and how each acts in Hearth. */
interface Cast {
  manager: RequestContext
  worker: RequestContext
  colleague: RequestContext
  social: RequestContext
  ids: { manager: string; worker: string; colleague: string; social: string }
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

  const { authorityId, created } = options.authorityId
    ? { authorityId: options.authorityId, created: false }
    : await demoAuthority(services, database)
  const cli: RequestContext = { actor: { type: 'cli', authorityId } }

  const existing = await database.withTenant(authorityId, (tx) =>
    tx
      .select({ id: team.id })
      .from(team)
      .where(and(eq(team.authorityId, authorityId), eq(team.name, DEMO_TEAM))),
  )
  if (existing.length > 0) {
    return { created: false, authorityId, families: 0, stories: [], users: [] }
  }

  const password = `demo-${randomBytes(9).toString('base64url')}`
  const { id: teamId } = await services.teams.create(cli, { name: DEMO_TEAM })
  const people = [
    { key: 'manager', name: 'Demo Manager', role: 'team_manager' as Role, teamId },
    { key: 'worker', name: 'Demo Key Worker', role: 'practitioner' as Role, teamId },
    { key: 'colleague', name: 'Demo Family Worker', role: 'practitioner' as Role, teamId },
    { key: 'social', name: 'Demo Social Worker', role: 'social_worker' as Role, teamId: undefined },
  ] as const
  const ctxs: Partial<Record<keyof Cast['ids'], RequestContext>> = {}
  const ids: Partial<Cast['ids']> = {}
  const users: DemoResult['users'] = []
  for (const person of people) {
    const email = `${person.key}@${DEMO_EMAIL_DOMAIN}`
    const { id } = await services.users.create(
      cli,
      { email, name: person.name, role: person.role, ...(person.teamId ? { teamId: person.teamId } : {}) },
      { password },
    )
    ctxs[person.key] = { actor: { type: 'user', authorityId, userId: id, role: person.role } }
    ids[person.key] = id
    users.push({ email, name: person.name, role: person.role })
  }
  const cast = { ...(ctxs as Omit<Cast, 'ids'>), ids: ids as Cast['ids'] }
  // An authority the demo made itself has nobody to run it: an administrator too, for users, teams and settings.
  if (created) {
    const admin = { email: `admin@${DEMO_EMAIL_DOMAIN}`, name: 'Demo Administrator', role: 'administrator' as Role }
    await services.users.create(cli, admin, { password })
    users.push(admin)
  }

  await services.programmes.choose(
    cli,
    library.programmes.map((p) => p.id),
  )

  const stories: DemoStory[] = []
  for (const { programme, index, stage, surname, seed } of planFamilies(library.programmes, options.seed)) {
    const story = new Story(services, programme, index, stage, cast, seeded(seed), at, realNow, surname)
    await story.play()
    stories.push({
      programmeId: programme.id,
      stage,
      surname,
      referralId: story.referralId,
      ...(story.caseId ? { caseId: story.caseId } : {}),
    })
    io.err(`  ${programme.name}: the ${surname} family (${DEMO_STAGES[stage].toLowerCase()})`)
  }
  at(realNow)
  // Each case's next deadline, as of now rather than as of the last thing that happened on it.
  await services.cases.refreshAll(cli)
  return { created: true, authorityId, families: stories.length, stories, users, password }
}

/** The authority to fill: the only one there is, or a new demo authority if there are none. */
async function demoAuthority(
  services: Services,
  database: Database,
): Promise<{ authorityId: string; created: boolean }> {
  const { authority } = await import('../db/schema/index.ts')
  const all = await database.asOwner((tx) => tx.select({ id: authority.id }).from(authority))
  if (all.length === 1) return { authorityId: all[0]?.id as string, created: false }
  if (all.length > 1) {
    throw new DemoRefused('There is more than one authority: say which with --authority ID.')
  }
  return { authorityId: await services.setup.createAuthority('Northshire Demo Council'), created: true }
}

/**
 * Who the demo's families are: for each programme, a family at each stage, with a plainly invented
 * surname and a seed of its own for everything else about it (so one family's story never changes
 * another's). The same seed, the same families.
 */
export function planFamilies(programmes: readonly Programme[], seed: number) {
  const random = seeded(seed)
  const surnames = [...SURNAMES]
  return programmes.flatMap((programme, index) =>
    stagesFor(programme).map((stage) => {
      const [surname] = surnames.splice(Math.floor(random.next() * surnames.length), 1)
      return {
        programme,
        index,
        stage,
        surname: surname ?? `${random.pick(SURNAMES)}-${random.pick(SURNAMES)}`,
        seed: Math.floor(random.next() * 2 ** 32),
      }
    }),
  )
}

/** Each programme shows every stage it has; a step-down only where the programme has one. */
export function stagesFor(programme: Programme): DemoStage[] {
  const stages: DemoStage[] = ['referred', 'accepted', 'starting', 'working']
  if (stepDownPhase(programme)) stages.push('stepping-down')
  stages.push('closing', 'closed')
  return stages
}

// ── The shape of a story ─────────────────────────────────────────────────────────────────────

/** The day support starts, counted from the referral (day 0): allocation on day 1, the first visit on day 2. */
const SUPPORT = 3

/** Roughly how many days a programme's duration spans, for laying out a story (Hearth works out the deadlines). */
function daysIn(duration: Duration | undefined): number | undefined {
  if (!duration) return undefined
  switch (duration.unit) {
    case 'hours':
      return Math.ceil(duration.amount / 24)
    case 'days':
      return duration.amount
    case 'working days':
      return Math.ceil((duration.amount * 7) / 5)
    case 'weeks':
      return duration.amount * 7
    case 'months':
      return Math.round(duration.amount * 30.4)
  }
}

const stepDownPhase = (programme: Programme) => programme.phases.find((p) => p.startsWith === 'step-down-started')

/** How long the main work lasts on a pathway: to the last scheduled review, or the phase's length. */
function mainDays(programme: Programme, pathway: string | undefined): number {
  const weeks = programme.reviewSchedule?.reviews.map((r) => r.week) ?? []
  if (weeks.length > 0) return Math.max(...weeks) * 7
  const phase = programme.phases.find(
    (p) => p.startsWith === 'support-started' && (!pathway || !p.pathways || p.pathways.includes(pathway)),
  )
  const [low, high] = [daysIn(phase?.minimum), daysIn(phase?.maximum)]
  return daysIn(phase?.length) ?? (low && high ? Math.round((low + high) / 2) : (high ?? low ?? 84))
}

/** Whether a programme's families are expecting a baby (a pregnancy criterion in its eligibility). */
function expectant(programme: Programme): boolean {
  return criteria(programme.eligibility.rule).some((c) => c.type === 'gestation')
}

function criteria(rule: Criterion): Criterion[] {
  return 'of' in rule && Array.isArray(rule.of) ? [rule, ...rule.of.flatMap(criteria)] : [rule]
}

/** The pathway a family is accepted onto, where the team chooses it on accepting. */
function pathwayAtAcceptance(programme: Programme, stage: DemoStage): string | undefined {
  if (programme.pathwayChosenAt?.event !== 'accepted') return undefined
  const order: Record<DemoStage, number> = {
    referred: 0,
    accepted: 1,
    starting: 0,
    working: 0,
    'stepping-down': 1,
    closing: 1,
    closed: 2,
  }
  const pathways = programme.pathways
  return pathways[Math.min(order[stage], pathways.length - 1)]?.id
}

/** How many days ahead of today the closed family's 6-month follow-up falls, by programme: one overdue, the rest due soon. */
const FOLLOW_UP_DUE_IN = [4, -3, 8, 1, 6]

/** A review the story holds: its day, the scheduled review it meets (or none), and what it decides. */
interface PlannedReview {
  day: number
  scheduledId: string | null
  decision: ReviewDecision
  /** The participants the programme says must attend it. */
  required: Participant[]
}

/** When things happen in a story, in days from the referral. */
interface Plot {
  /** Days from the referral to today. */
  length: number
  reviews: PlannedReview[]
  /** The closing day (proposed, for a family ending early; signed off, for a closed one). */
  closeOn?: number
  /** An expectant family: when the baby is due, and when the pre-birth assessment's outcome is known. */
  dueOn?: number
  preBirthOn?: number
}

// ── What the family and their workers say ───────────────────────────────────────────────────

interface Names {
  child: string
  parent: string
  other: string
  surname: string
}

interface GoalTemplate {
  need(n: Names): string
  outcome(n: Names): string
  howWeKnow: string
  /** Each action, with words that pick the support it delivers from the service's catalogue, best first. */
  actions: { what(n: Names): string; who(n: Names): string; support: string[] }[]
  evidence: { better: string; same: string; worse: string }
  /** Another agency the work may need, and why. */
  agency: string
  reason(n: Names): string
}

/** A goal for each Supporting Families headline outcome, written as a family would agree it. */
const GOALS: Record<number, GoalTemplate> = {
  1: {
    need: (n) => `${n.child} has missed a lot of school this term, and mornings are a battle`,
    outcome: (n) => `${n.child} gets to school on time every day and feels settled there`,
    howWeKnow: 'School attendance above 95% for a whole half-term',
    actions: [
      {
        what: (n) => `Make a morning routine chart with ${n.child}, with a treat for a full week`,
        who: (n) => `${n.parent} and ${n.child}`,
        support: ['routine', 'practical', 'parent', 'direct', 'tailored', 'measurable'],
      },
      {
        what: () => 'Meet the school’s attendance lead together and agree a plan for a fresh start',
        who: () => 'Demo Key Worker',
        support: ['sfbt', 'solution', 'signpost', 'direct', 'systemic'],
      },
    ],
    evidence: {
      better: 'Attendance is up this half-term and the school says mornings are calmer',
      same: 'Attendance has stayed about where it was',
      worse: 'More days missed since the last review',
    },
    agency: 'Northshire Education Welfare Service',
    reason: (n) => `Support with ${n.child}'s return to full-time school after a term of missed days.`,
  },
  2: {
    need: () => 'Getting ready for the baby, and feeling confident about the first weeks',
    outcome: () => 'A safe home for the baby, and parents who feel ready',
    howWeKnow: 'A safe sleep space at home and a feeding plan agreed with the midwife',
    actions: [
      {
        what: () => 'Sessions at home on safe sleep, bathing and feeding',
        who: () => 'Demo Family Worker',
        support: ['child-development', 'parenting', 'routine'],
      },
      {
        what: () => 'Play and bonding sessions once the baby is here',
        who: (n) => `${n.parent} and Demo Key Worker`,
        support: ['attachment', 'play'],
      },
    ],
    evidence: {
      better: 'The nursery is ready and the midwife is pleased with the preparation',
      same: 'Preparations are where they were',
      worse: 'Preparations have stalled',
    },
    agency: 'Northshire Children’s Centre',
    reason: () => 'Baby groups and health visiting drop-ins near home, to build a support network.',
  },
  3: {
    need: (n) => `${n.parent}'s low mood makes the days hard to get through`,
    outcome: (n) => `${n.parent} feels well enough to enjoy the day with the family`,
    howWeKnow: 'Her own score on the scaling question each fortnight, and the GP review going ahead',
    actions: [
      {
        what: (n) => `Go with ${n.parent} to the GP appointment about low mood`,
        who: () => 'Demo Key Worker',
        support: ['wellbeing', 'parent-support', 'direct', 'tailored'],
      },
      {
        what: () => 'Weekly walk-and-talk sessions',
        who: () => 'Demo Family Worker',
        support: ['wellbeing', 'sfbt', 'solution', 'systemic', 'direct'],
      },
    ],
    evidence: {
      better: 'She says she is sleeping better and has started going out more',
      same: 'Some good days and some hard ones, about as before',
      worse: 'A hard few weeks: she has cancelled two appointments',
    },
    agency: 'Northshire Talking Therapies',
    reason: () => 'Talking therapy for low mood, asked for by the parent.',
  },
  4: {
    need: (n) => `${n.parent} is drinking more than they would like in the evenings`,
    outcome: () => 'Evenings without alcohol most days of the week',
    howWeKnow: 'The drinking diary, and the recovery worker’s view',
    actions: [
      {
        what: () => 'A first appointment with the recovery service, gone to together',
        who: () => 'Demo Key Worker',
        support: ['parent-support', 'wellbeing', 'direct', 'tailored'],
      },
      {
        what: () => 'A plan for evenings: who to call and what to do instead',
        who: (n) => `${n.parent}`,
        support: ['support-network', 'parent', 'systemic', 'direct'],
      },
    ],
    evidence: {
      better: 'Four alcohol-free evenings a week now, by the diary',
      same: 'The diary shows little change',
      worse: 'Drinking has gone up again since a difficult week',
    },
    agency: 'Northshire Recovery Service',
    reason: () => 'Community support to cut down drinking, asked for by the parent.',
  },
  5: {
    need: (n) => `Arguments between ${n.child} and ${n.parent} most evenings`,
    outcome: () => 'Calmer evenings, and time together that everyone enjoys',
    howWeKnow: 'Fewer arguments in the family diary, and one thing done together each week',
    actions: [
      {
        what: () => 'Family sessions on talking and listening to each other',
        who: () => 'Demo Key Worker',
        support: ['systemic', 'sfbt', 'solution', 'triple', 'parenting', 'tailored', 'direct'],
      },
      {
        what: (n) => `Weekly one-to-one time for ${n.child} with a worker`,
        who: () => 'Demo Family Worker',
        support: ['direct', 'edge', 'measurable', 'team-parenting', 'attachment', 'tailored'],
      },
    ],
    evidence: {
      better: 'The family diary shows two arguments this week, down from most nights',
      same: 'Still arguing most evenings, though they make up sooner',
      worse: 'Arguments have got worse since the last review',
    },
    agency: 'Northshire Family Mediation',
    reason: () => 'Mediation between the young person and the parent, to agree house rules.',
  },
  6: {
    need: (n) => `${n.child} has been coming home late, with older young people the family do not know`,
    outcome: (n) => `${n.child} is home by the agreed time and knows who to call if worried`,
    howWeKnow: 'No missing episodes, and the agreed time kept most nights',
    actions: [
      {
        what: () => 'A safety plan agreed with the family: home times, check-in calls and a trusted adult',
        who: (n) => `${n.parent} and Demo Key Worker`,
        support: ['crisis', 'safety', 'edge', 'practical', 'direct', 'parenting', 'tailored'],
      },
      {
        what: (n) => `Direct work with ${n.child} on safe friendships`,
        who: () => 'Demo Family Worker',
        support: ['direct', 'edge', 'sfbt', 'systemic', 'measurable', 'tailored'],
      },
    ],
    evidence: {
      better: 'Home on time nearly every night, and no missing episodes',
      same: 'Late home twice this fortnight',
      worse: 'Missing overnight once since the last review',
    },
    agency: 'Northshire Youth Service',
    reason: (n) => `A youth worker and activities after school for ${n.child}.`,
  },
  7: {
    need: (n) => `${n.child} has been in trouble with the police twice this year`,
    outcome: (n) => `${n.child} stays out of trouble and has something to look forward to after school`,
    howWeKnow: 'No further police contact, and the club attended each week',
    actions: [
      {
        what: (n) => `Find a club ${n.child} wants to join after school`,
        who: () => 'Demo Family Worker',
        support: ['signpost', 'practical', 'direct', 'tailored', 'edge'],
      },
      {
        what: () => 'Meet the youth justice prevention worker together',
        who: () => 'Demo Key Worker',
        support: ['team-parenting', 'sfbt', 'systemic', 'direct', 'tailored'],
      },
    ],
    evidence: {
      better: 'No police contact for two months, and boxing club twice a week',
      same: 'No new incidents, but no club found yet',
      worse: 'A further police call-out this month',
    },
    agency: 'Northshire Youth Justice Prevention Team',
    reason: (n) => `Early prevention work with ${n.child}, with the family's agreement.`,
  },
  8: {
    need: () => 'The parents’ separation has been bitter, with frightening arguments at handovers',
    outcome: () => 'Everyone feels safe at home, and handovers are calm',
    howWeKnow: 'Handovers at the agreed place with no arguments',
    actions: [
      {
        what: (n) => `A safety plan with ${n.parent}`,
        who: () => 'Demo Key Worker',
        support: ['crisis', 'practical', 'direct', 'tailored'],
      },
      {
        what: () => 'Agree a handover place and a way to message about the children',
        who: (n) => `${n.parent} and ${n.other}`,
        support: ['systemic', 'sfbt', 'parent', 'direct'],
      },
    ],
    evidence: {
      better: 'Handovers at the family centre have gone calmly',
      same: 'Handovers are still tense',
      worse: 'A frightening argument at the last handover',
    },
    agency: 'Northshire Domestic Abuse Service',
    reason: () => 'Specialist support and safety planning, with the parent’s agreement.',
  },
  9: {
    need: () => 'Rent arrears and a letter from the landlord about possession',
    outcome: () => 'A secure home, and a plan for the arrears the family can keep to',
    howWeKnow: 'The tenancy secure and the arrears plan paid each month',
    actions: [
      {
        what: (n) => `Go with ${n.parent} to Housing Options`,
        who: () => 'Demo Key Worker',
        support: ['homeless', 'housing', 'practical', 'benefit', 'direct', 'tailored'],
      },
      {
        what: () => 'Apply for a discretionary housing payment',
        who: (n) => `${n.parent} with Demo Family Worker`,
        support: ['benefit', 'practical', 'homeless', 'direct', 'measurable'],
      },
    ],
    evidence: {
      better: 'The landlord has agreed an arrears plan and the first payment is made',
      same: 'Still waiting to hear from the landlord',
      worse: 'The arrears have grown',
    },
    agency: 'Northshire Housing Options',
    reason: () => 'Advice on the tenancy and the arrears, and help to keep the family’s home.',
  },
  10: {
    need: () => 'Debts and a gap in benefits leave the family short every week',
    outcome: () => 'Benefits paid, and a budget the family can manage',
    howWeKnow: 'Benefits in payment and the budget kept for a month',
    actions: [
      {
        what: () => 'A benefits check and help with the claim',
        who: () => 'Demo Family Worker',
        support: ['benefit', 'debt', 'practical', 'direct', 'tailored'],
      },
      {
        what: () => 'Make a weekly budget together',
        who: (n) => `${n.parent} and Demo Key Worker`,
        support: ['benefit', 'practical', 'parent', 'routine', 'direct'],
      },
    ],
    evidence: {
      better: 'The claim is paid and the budget has held for three weeks',
      same: 'The claim is still being assessed',
      worse: 'A new debt has come to light',
    },
    agency: 'Northshire Welfare Rights Service',
    reason: () => 'Help with a benefits claim and with debts, asked for by the family.',
  },
}

/** Notes on the programme's closure steps, in turn. */
const STEP_NOTES = [
  'Held with the family and the professionals who know them: everyone agreed the plan is complete.',
  'The family chose a meal out together, and the children were given certificates.',
]

/** What the assessment says of each child, eldest first. */
const CHILD_STORIES = [
  'Doing well in English and has a close friend at school; finds mornings and bedtimes hard.',
  'Loves football and drawing. Has been quiet at school this term, and the teacher has noticed.',
  'A cheerful child who is settled at school; copies the shouting at home when upset.',
]
const CHILD_VOICES = [
  '"I want home to be less shouty."',
  '"I like it when we go to the park together."',
  '"I want Mum to be happy."',
]

/** A contact with the family: its type, whether the eldest child is seen alone, and the worker's note. */
interface Visit {
  type: 'home-visit' | 'office' | 'out-of-hours'
  alone?: boolean
  significant?: string
  note(n: Names): string
}

/** Visits in turn; the out-of-hours one only where the service offers support out of hours. */
const VISITS: Visit[] = [
  {
    type: 'home-visit',
    note: (n) =>
      `Talked through how the week went. ${n.child} showed me the routine chart: two good mornings this week.`,
  },
  {
    type: 'office',
    note: (n) =>
      `${n.parent} and ${n.child} came to the family centre. We practised the "pause and talk" plan from the family session.`,
  },
  {
    type: 'home-visit',
    alone: true,
    note: (n) => `Time with ${n.child} on their own, then with the family. ${n.child} said home has felt calmer.`,
  },
  {
    type: 'out-of-hours',
    significant: 'Out-of-hours visit after an argument at home',
    note: (n) =>
      `Out-of-hours visit after ${n.parent} rang at 8pm about an argument over screen time. Everyone was calmer by the time I left; we agreed to talk it through at the next session.`,
  },
  {
    type: 'home-visit',
    note: (n) =>
      `Went through the plan together and ticked off what is done. ${n.parent} wants to focus on evenings next.`,
  },
]

/** Visits to an expectant family: before the birth, with the baby at home, and after the baby was placed elsewhere. */
const EXPECTING: Record<'before' | 'after' | 'apart', Visit[]> = {
  before: [
    {
      type: 'home-visit',
      note: (n) => `Talked about the birth plan and who ${n.parent} can call when the baby comes.`,
    },
    { type: 'office', note: (n) => `Went with ${n.parent} to the antenatal appointment. The baby is growing well.` },
    {
      type: 'home-visit',
      note: () => 'Looked at the safe sleep space together and made a list of what is still needed.',
    },
  ],
  after: [
    {
      type: 'home-visit',
      note: (n) => `${n.parent} is feeding the baby confidently. We talked about a bedtime routine.`,
    },
    {
      type: 'home-visit',
      note: () => 'Play session at home: the baby is smiling and following faces. Health visitor is pleased.',
    },
  ],
  apart: [
    {
      type: 'office',
      note: (n) =>
        `Met ${n.parent} after family time at the contact centre. ${n.parent} spoke about how hard the goodbyes are.`,
    },
    {
      type: 'home-visit',
      note: (n) => `Wellbeing session at home. ${n.parent} has kept every GP appointment this month.`,
    },
  ],
}

// ── One family's story ───────────────────────────────────────────────────────────────────────

/** A thing that happens on a day of the story, at an hour. */
interface Happening {
  day: number
  hour: number
  run: () => Promise<void>
}

const CONTACT_EVERY: Record<ContactFrequency, number> = {
  daily: 1,
  'several-weekly': 3,
  weekly: 7,
  fortnightly: 14,
  monthly: 28,
}

/** One family's story, played through the services on the demo clock. */
class Story {
  readonly family: DemoFamily
  readonly plot: Plot
  readonly referredOn: IsoDate
  readonly names: Names
  readonly pathway: string | undefined
  referralId = ''
  caseId = ''
  /** The family's goals as the story agrees them: the template and both scores. */
  goals: { id: string; template: GoalTemplate; family: number; worker: number; headline: number }[] = []
  planId = ''
  planVersion = 0
  actions: { id: string }[] = []
  removed = false
  babyId = ''
  private people?: { personId: string; role: string; givenName: string }[]

  constructor(
    readonly services: Services,
    readonly programme: Programme,
    readonly index: number,
    readonly stage: DemoStage,
    readonly cast: Cast,
    readonly random: Random,
    readonly at: (moment: Date) => void,
    readonly realNow: Date,
    surname: string,
  ) {
    this.pathway = pathwayAtAcceptance(programme, stage)
    const today = londonDate(realNow)
    const dueIn = expectant(programme) ? 7 * random.between(28, 30) : undefined
    const length = this.lengthOf(today, dueIn)
    this.referredOn = addDays(today, -length)
    this.family = makeFamily(programme, surname, random, this.referredOn, dueIn)
    this.plot = this.plotOf(length, dueIn)
    const [child] = this.family.children
    const [parent, other] = this.family.adults
    this.names = {
      child: child?.unborn ? 'the baby' : (child?.givenName ?? 'the children'),
      parent: parent?.givenName ?? 'their parent',
      other: other?.givenName ?? 'the other parent',
      surname,
    }
  }

  get manager() {
    return this.cast.manager
  }
  get worker() {
    return this.cast.worker
  }

  // ── When ───────────────────────────────────────────────────────────────────────────────

  /** The day of the story, `day` days after the referral. */
  on(day: number): IsoDate {
    return addDays(this.referredOn, day)
  }

  /** Sets the clock to `day` days after the referral, at a working hour (never later than now). */
  day(day: number, hour = 10) {
    const moment = londonMoment(this.on(day), hour, 0)
    this.at(moment.getTime() > this.realNow.getTime() ? this.realNow : moment)
    return moment
  }

  /** The nearest weekday to `day`, looking forward (or back): visits and meetings happen in the working week. */
  weekday(day: number, direction: 1 | -1 = 1): number {
    let d = day
    while (weekday(this.on(d)) === 0 || weekday(this.on(d)) === 6) d += direction
    return d
  }

  /** How many days ago the family was referred, by how far along it is. */
  lengthOf(today: IsoDate, dueIn: number | undefined): number {
    const programme = this.programme
    const main = mainDays(programme, this.pathway)
    const stepDown = daysIn(stepDownPhase(programme)?.length ?? stepDownPhase(programme)?.maximum) ?? 0
    const lastWeek = Math.max(0, ...(programme.reviewSchedule?.reviews.map((r) => r.week) ?? []))
    switch (this.stage) {
      case 'referred':
        return 1
      case 'accepted':
        return 4
      case 'starting':
        return SUPPORT + 23
      case 'working':
        if (dueIn) return dueIn + 30
        if (programme.extension && lastWeek) return SUPPORT + lastWeek * 7 + 25
        if (lastWeek) return SUPPORT + (lastWeek - 1) * 7 + 2
        return SUPPORT + 62
      case 'stepping-down':
        return SUPPORT + main + Math.floor(stepDown / 2)
      case 'closing':
        return SUPPORT + 46
      case 'closed':
        return this.closeDay(main, stepDown, dueIn) + daysBetween(this.closedOnTarget(), today)
    }
  }

  /** The closing day of a closed family's story: after the main work and any step-down, or six months after the birth. */
  closeDay(main: number, stepDown: number, dueIn: number | undefined): number {
    if (dueIn) return dueIn + 26 * 7
    if (stepDown) return SUPPORT + main - 3 + stepDown - 4
    return SUPPORT + main - 1
  }

  /** The reviews and the other turning points of the story, on weekdays. */
  plotOf(length: number, dueIn: number | undefined): Plot {
    const programme = this.programme
    const stage = this.stage
    const plot: Plot = { length, reviews: [] }
    if (stage === 'referred' || stage === 'accepted') return plot
    if (dueIn) {
      plot.dueOn = dueIn
      plot.preBirthOn = this.weekday(dueIn - 56)
    }
    const stepDown = stepDownPhase(programme)
    if (stage === 'closed') plot.closeOn = length - daysBetween(this.closedOnTarget(), londonDate(this.realNow))
    else if (stage === 'closing') plot.closeOn = this.weekday(length - 1, -1)
    // A family just starting has had no review yet (Staying Together's week 3 review is overdue).
    if (stage === 'starting') return plot
    const until = plot.closeOn ?? length
    const schedule = programme.reviewSchedule
    if (schedule) {
      const weeks = schedule.reviews
      const last = Math.max(...weeks.map((r) => r.week))
      const cycle = (anchor: number, cycleNumber: number) => {
        for (const [k, review] of weeks.entries()) {
          const due = anchor + review.week * 7 - 1
          const late = stage === 'working' && cycleNumber === 1 && k === 1 && weeks.length >= 3
          const day = late ? this.weekday(due + 2) : this.weekday(due - 1, -1)
          if (day >= until) return
          let decision: ReviewDecision = 'continue'
          if (review.week === last && cycleNumber === 1) {
            if (stage === 'working' && programme.extension) decision = 'extend'
            else if ((stage === 'stepping-down' || stage === 'closed') && stepDown) decision = 'step-down'
            else if (stage === 'closed') decision = 'close'
          }
          plot.reviews.push({ day, scheduledId: `review-week-${review.week}`, decision, required: review.attendees })
          if (decision === 'extend') cycle(day, cycleNumber + 1)
        }
      }
      cycle(SUPPORT, 1)
    } else {
      const every = until > 200 ? 84 : 42
      const changes = stage === 'working' && programme.pathwayChosenAt?.event === 'accepted'
      for (let day = SUPPORT + (changes ? 35 : every); day < until - 7; day += every) {
        const first = plot.reviews.length === 0
        plot.reviews.push({
          day: this.weekday(day),
          scheduledId: null,
          decision: first && changes && programme.pathways.length > 1 ? 'change-pathway' : 'continue',
          required: [],
        })
      }
    }
    // A closed family's work ends at a review, unless a closure meeting (a step the programme records) takes its place.
    const meeting = closureSteps(programme).some((s) => s.event && s.recipients.length === 0)
    if (
      stage === 'closed' &&
      plot.closeOn !== undefined &&
      !meeting &&
      !plot.reviews.some((r) => r.decision === 'close')
    ) {
      plot.reviews.push({ day: plot.closeOn, scheduledId: null, decision: 'close', required: [] })
    }
    return plot
  }

  /** The day a closed family's case closes: about six months ago, so that its 6-month follow-up is due about now. */
  closedOnTarget(): IsoDate {
    const today = londonDate(this.realNow)
    let closedOn = addDays(addMonths(today, -6), FOLLOW_UP_DUE_IN[this.index % FOLLOW_UP_DUE_IN.length] ?? 4)
    while (weekday(closedOn) === 0 || weekday(closedOn) === 6) closedOn = addDays(closedOn, 1)
    return closedOn
  }

  // ── The story ──────────────────────────────────────────────────────────────────────────

  async play() {
    this.day(0, this.stage === 'referred' ? 9 + this.index : 10)
    this.referralId = await this.refer()
    if (this.stage === 'referred') return
    this.caseId = await this.accept(this.referralId)
    if (this.stage === 'accepted') return
    await this.allocate()
    this.day(2)
    await this.firstVisit()
    this.day(SUPPORT)
    await this.services.cases.move(
      this.worker,
      this.caseId,
      (await this.services.cases.open(this.worker, this.caseId)).row.version,
      'support-started',
      this.day(SUPPORT, 11),
    )
    const agenda = this.agenda()
    agenda.sort((a, b) => a.day - b.day || a.hour - b.hour)
    for (const happening of agenda) {
      if (happening.day >= this.plot.length) continue
      this.day(happening.day, happening.hour)
      await happening.run()
    }
  }

  /** Everything after support starts, each on its day. */
  agenda(): Happening[] {
    const programme = this.programme
    const plot = this.plot
    const stage = this.stage
    const list: Happening[] = []
    const add = (day: number, hour: number, run: () => Promise<void>) => {
      list.push({ day, hour, run })
    }
    const until = plot.closeOn ?? plot.length
    const headlines = this.headlines()
    const full = stage !== 'starting'

    if (programme.plan.socialWorkerRequests) add(this.weekday(4), 9, () => this.askForWork())
    if (programme.crisisPlan) add(this.weekday(4), 10, () => this.crisisPlan())
    add(this.weekday(5), 13, () => this.assess(headlines, false))
    if (full) add(this.weekday(13), 15, () => this.assess(headlines, true))
    if (programme.consultation) {
      add(this.weekday(12), 14, () => this.consult(12))
      if (full && until > 50) add(this.weekday(47), 14, () => this.consult(47))
    }
    if (programme.formulation && full) add(this.weekday(20), 15, () => this.formulate())
    add(this.weekday(full ? 15 : 19), 11, () => this.writePlan(headlines.slice(0, full ? 3 : 2)))
    if (full) {
      const agreed = this.weekday(17)
      add(agreed, 16, () => this.agreePlan(agreed))
      for (const measure of programme.outcomes.measures) add(agreed, 17, () => this.measure(measure, 'start', 0))
      // One family's plan waits for the manager's sign-off, so the manager has one to do.
      if (!(stage === 'working' && this.index === 0)) add(this.weekday(agreed + 1), 9, () => this.signOffPlan())
      const moves: [number, number, 'in-progress' | 'done'][] = [
        [5, 0, 'in-progress'],
        [12, 1, 'in-progress'],
        [26, 0, 'done'],
        [40, 2, 'in-progress'],
      ]
      for (const [after, action, status] of moves) {
        if (agreed + after < until) add(this.weekday(agreed + after), 17, () => this.actionMoves(action, status))
      }
      // Between reviews, the family and the worker score the goals again about every five weeks.
      for (let day = agreed + 35; day < until - 7; day += 35) {
        const checkIn = this.weekday(day)
        if (plot.reviews.some((r) => Math.abs(r.day - checkIn) < 14)) continue
        add(checkIn, 16, () => this.scaling('other', checkIn))
      }
      const agencyDay = this.weekday(24)
      if (agencyDay < until) add(agencyDay, 12, () => this.referOnwards(agencyDay, until))
    }
    if (expectant(programme) && stage === 'working') {
      const sent = this.weekday(plot.length - 21, -1)
      add(sent, 12, () => this.referOnwardsWaiting(sent))
    }
    if (plot.preBirthOn !== undefined && plot.preBirthOn < until && stage !== 'closing') {
      const day = plot.preBirthOn
      add(day, 15, () => this.preBirthOutcome(day))
    }
    if (plot.dueOn !== undefined && plot.dueOn < until) add(plot.dueOn, 8, () => this.born())

    for (const review of plot.reviews) add(review.day, 15, () => this.review(review))
    this.contacts(until, add)

    if (plot.closeOn !== undefined) {
      const close = plot.closeOn
      if (stage === 'closed') {
        for (const measure of programme.outcomes.measures) add(close, 16, () => this.measure(measure, 'closure', 1))
        add(close, 16, () => this.scaling('closure', close))
      }
      add(close, 17, () => this.proposeClosure(close))
      if (stage === 'closed') {
        add(close, 18, () => this.signOffClosure())
        const reportDay = this.weekday(close + 4)
        if (closureSteps(programme).some((s) => s.recipients.length > 0))
          add(reportDay, 11, () => this.reportSent(reportDay))
        const threeMonths = daysBetween(this.referredOn, addMonths(this.on(close), 3))
        const check = this.weekday(threeMonths, -1)
        add(check, 11, () => this.followUp(3, check))
        for (const measure of programme.outcomes.measures) add(check, 12, () => this.measure(measure, 'follow-up', 1))
      }
    }
    return list
  }

  /**
   * Contacts through the work: weekly at first and in the last weeks before today, as the
   * step-down plans, and less often in between (a closed family's early months are history).
   */
  contacts(until: number, add: (day: number, hour: number, run: () => Promise<void>) => void) {
    const stepDown = this.plot.reviews.find((r) => r.decision === 'step-down')
    const steps = stepDown ? this.frequencies(stepDown.day) : []
    const open = this.stage !== 'closed'
    let n = 0
    for (let day = 6; day < until; ) {
      const visit = this.weekday(day)
      if (visit >= until) break
      const note = n
      add(visit, this.visit(n).type === 'out-of-hours' ? 20 : 14, () => this.contact(note))
      n += 1
      const step = steps.filter((s) => s.day <= visit).at(-1)
      const weekly = visit < SUPPORT + 28 || (open && visit >= until - 22)
      const every = step ? CONTACT_EVERY[step.frequency] : weekly ? 7 : visit < SUPPORT + 84 ? 14 : 28
      day = visit + every
      // An open family was last seen a day or two ago.
      if (open && day >= until && visit < until - 3) day = this.weekday(until - 1, -1)
    }
  }

  // ── Each thing that happens ──────────────────────────────────────────────────────────────

  /**
   * The referral, by one of the programme's routes: a parent referring themselves, the family's
   * social worker inside Hearth, or another agency on the public form.
   */
  async refer(): Promise<string> {
    const calendar = await this.services.programmes.calendar(this.manager)
    const routes = this.programme.referral.routes.map((r) => r.id)
    const route = routes[(Object.keys(DEMO_STAGES).indexOf(this.stage) + 1) % routes.length] ?? ''
    const n = this.names
    const expecting = this.family.children.some((c) => c.unborn)
    const authorityId = this.manager.actor.authorityId
    const agency = expecting
      ? { organisation: 'Northshire Demo Maternity Unit', role: 'Specialist midwife' }
      : this.random.pick([
          { organisation: 'Northshire Demo Academy', role: 'Designated safeguarding lead' },
          { organisation: 'Northshire Demo School Nursing', role: 'School nurse' },
          { organisation: 'Northshire Demo Medical Practice', role: 'GP' },
        ])
    const how = /self/.test(route)
      ? { as: 'public-parent' as const, ctx: { actor: { type: 'public' as const, authorityId } } }
      : /social-worker|single-assessment|allocated-worker|step-down/.test(route)
        ? { as: 'internal' as const, ctx: this.cast.social }
        : { as: 'public-professional' as const, ctx: { actor: { type: 'public' as const, authorityId } } }
    const referrer =
      how.as === 'public-parent'
        ? { type: 'parent', name: `${n.parent} ${n.surname}`, email: `${n.parent.toLowerCase()}@${DEMO_EMAIL_DOMAIN}` }
        : how.as === 'internal'
          ? {
              type: 'professional',
              name: 'Demo Social Worker',
              organisation: "Northshire Demo Children's Social Care",
              role: 'Allocated social worker',
              email: `social@${DEMO_EMAIL_DOMAIN}`,
            }
          : { type: 'professional', name: 'Demo Referrer', ...agency, email: `referrer@${DEMO_EMAIL_DOMAIN}` }
    const happening = expecting
      ? `${n.parent} is about 11 weeks pregnant. An older child was removed from the family's care some years ago, and ${n.parent} wants help to show this baby can stay at home.`
      : this.random.pick([
          `Arguments at home have become frequent and loud. ${n.child} has stayed out late twice this month, and the family would like help before things break down.`,
          `${n.child}'s attendance has dropped this term and there have been angry outbursts at home. ${n.parent} says they are exhausted and want support.`,
          `Police were called to the home after an argument last month. Nobody was hurt, but the family agree they need help to stay together.`,
        ])
    const { id } = await this.services.referrals.create(
      how.ctx,
      referralInputSchema.parse({
        programmeId: this.programme.id,
        referrer,
        children: this.family.children.map((c) => ({ ...c, familyName: this.family.surname })),
        adults: this.family.adults.map((a) => ({ ...a, familyName: this.family.surname })),
        indicators: ['family-breakdown', 'parental-conflict'],
        whatIsHappening: happening,
        hopedChange: expecting
          ? 'To be ready for the baby, with people around us we can ask for help.'
          : 'Calmer evenings, and the children back in school every day.',
        consent: {
          familyAgreed: true,
          sharingAgreed: true,
          givenBy: how.as === 'public-parent' ? n.parent : 'The parents',
        },
        ...(how.as === 'internal'
          ? {
              facts: {
                safeguardingLevel: 3,
                socialWorkerAllocated: true,
                previousRemovals: expecting ? 1 : 0,
                childInNeedStepDown: /step-down/.test(route),
                youngPersonHomeless: false,
              },
            }
          : {}),
      }),
      how.as,
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
        presentingIssues: `Escalating arguments at home; ${this.names.child} has stayed out overnight once.`,
        criteriaDiscussion:
          'Level 3, with care possible within weeks if things carry on: the family meets the criteria.',
        risks: `${this.names.child} going missing again; the family breaking down.`,
        decision: 'Accept, with a home visit within 48 hours.',
      })
    }
    this.day(0, 16)
    const current = await this.services.referrals.get(this.manager, referralId)
    const { caseId } = await this.services.referrals.decide(this.manager, referralId, current.row.version, {
      outcome: 'accept',
      ...(this.pathway ? { pathway: this.pathway } : {}),
      rationale: 'The family meets the criteria and would like the help.',
    })
    if (!caseId) throw new Error('The demo referral did not open a case')
    return caseId
  }

  async allocate() {
    this.day(1)
    const shell = await this.services.cases.open(this.manager, this.caseId)
    await this.services.cases.allocate(this.manager, this.caseId, {
      keyWorkerId: this.cast.ids.worker,
      coWorkerId: this.cast.ids.colleague,
      socialWorker: { userId: this.cast.ids.social },
      version: shell.row.version,
      reason: 'Demo caseload',
    })
  }

  /** The people on the case (read once, and again after a birth). */
  async casePeople() {
    if (!this.people) {
      const network = await this.services.network.network(this.worker, this.caseId, { audited: false })
      this.people = network.people.map((p) => ({ personId: p.personId, role: p.role, givenName: p.givenName }))
    }
    return this.people
  }

  /** The first home visit: everyone seen, and the parents' consent to the work and to referrals recorded. */
  async firstVisit() {
    await this.contact(-1)
    const adults = (await this.casePeople()).filter((p) => p.role === 'parent' || p.role === 'carer')
    const decidedOn = this.on(2)
    for (const [i, adult] of adults.entries()) {
      for (const purpose of i === 0 ? (['assessment', 'onward-referral'] as const) : (['assessment'] as const)) {
        await this.services.network.recordConsent(this.worker, this.caseId, {
          personId: adult.personId,
          purpose,
          decision: 'given',
          decidedOn,
          how: 'written',
        })
      }
    }
  }

  /** A contact: a visit (or, on a first visit, the home visit the timescales wait for) that sees the children. */
  async contact(n: number) {
    const people = (await this.casePeople()).filter((p) => p.role !== 'unborn')
    const children = people.filter((p) => p.role === 'child')
    const visit = this.visit(n)
    // A baby placed with foster carers is not at home to be seen.
    const at = (c: { personId: string }) => !(this.removed && c.personId === this.babyId)
    await this.services.contacts.record(this.worker, this.caseId, {
      occurredAt: this.services.clock(),
      type: visit.type,
      outcome: 'completed',
      present: people.filter(at).map((p) => p.personId),
      children: children.map((c, i) => ({
        personId: c.personId,
        seen: at(c),
        seenAlone: at(c) && i === 0 && visit.alone === true,
      })),
      note:
        n < 0
          ? 'First home visit: met the family at home and talked about what they would like to change.'
          : visit.note(this.names),
      ...(visit.significant ? { significant: true, headline: visit.significant } : {}),
    })
  }

  /** The `n`th visit of the story (a first home visit for -1). */
  visit(n: number): Visit {
    if (this.family.children.some((c) => c.unborn)) {
      const list = EXPECTING[this.babyId ? (this.removed ? 'apart' : 'after') : 'before']
      return list[Math.max(0, n) % list.length] as Visit
    }
    const outOfHours = this.programme.support.some((s) => /out-of-hours|any time/.test(`${s.id} ${s.name}`))
    const list = outOfHours ? VISITS : VISITS.filter((v) => v.type !== 'out-of-hours')
    return n < 0 ? (VISITS[0] as Visit) : (list[n % list.length] as Visit)
  }

  /** The headline needs the family is working on: the programme's own, the baby's development first for an expectant family. */
  headlines(): number[] {
    const own = this.programme.outcomes.headline.filter((h) => GOALS[h])
    const start = Math.floor(this.random.next() * own.length)
    const turned = [...own.slice(start), ...own.slice(0, start)]
    if (this.family.children.some((c) => c.unborn) && turned.includes(2)) return [2, ...turned.filter((h) => h !== 2)]
    return turned
  }

  /** Staying Together: the family's social worker asks for pieces of work agreed in their assessment. */
  requests: string[] = []
  async askForWork() {
    for (const what of [
      `Work with ${this.names.child} and ${this.names.parent} on managing arguments without anyone leaving home`,
      'Help the family agree house rules they can all keep',
    ]) {
      const { planId, actionId } = await this.services.plans.addRequest(this.cast.social, this.caseId, {
        what,
        who: 'Staying Together practitioner',
      })
      this.planId = planId
      this.requests.push(actionId)
    }
  }

  async crisisPlan() {
    const { id } = await this.services.plans.start(this.worker, this.caseId, 'crisis')
    const n = this.names
    const { version } = await this.services.plans.replace(this.worker, this.caseId, id, {
      version: 1,
      risks: `${n.child} left home after an argument last weekend and stayed out until 2am. The family fear that if it happens again ${n.child} may have to come into care.`,
      contactArrangements:
        'Ring the team on 01632 960 000 at any time, day or night: out of hours, the duty worker answers. In an emergency, call 999.',
      actions: [
        { what: `A cooling-off place at a relative's house when arguments start`, who: `${n.parent} and ${n.child}` },
        { what: 'A daily check-in call from the team for the first week', who: 'Demo Key Worker' },
        { what: 'The team on call through the weekend', who: 'Demo Family Worker' },
      ],
    })
    const agreed = await this.services.plans.agree(this.worker, this.caseId, id, version, {
      agreedOn: this.on(this.weekday(4)),
      agreedWith: `${this.adultsNamed()}, and the family's social worker`,
    })
    await this.services.plans.signOff(this.manager, this.caseId, id, agreed.version)
  }

  adultsNamed(): string {
    return `${this.family.adults.map((a) => a.givenName).join(' and ')} ${this.family.surname}`
  }

  /** The Early Help Assessment: a draft with the headline needs, then (for families further on) complete. */
  assessmentId = ''
  assessmentVersion = 0
  async assess(headlines: number[], complete: boolean) {
    const n = this.names
    const children = (await this.casePeople()).filter((p) => p.role === 'child')
    if (!this.assessmentId) {
      this.assessmentId = await this.services.assessments.start(this.worker, this.caseId)
      this.assessmentVersion = 1
    }
    const expecting = this.family.children.some((c) => c.unborn)
    const draft = {
      familyStory: expecting
        ? `${this.adultsNamed()} are expecting a baby. An older child was removed from their care some years ago, and they want things to be different this time.`
        : `The ${n.surname} family live together in a rented house. Things at home have become tense over the last year, with arguments most evenings.`,
      parentsVoice: expecting
        ? `"We want to show we can keep this baby safe. We know we need help to do that."`
        : `"We love the children and want the shouting to stop. We just don't know where to start."`,
      domains: {
        'family-environment': {
          strengths: 'A grandparent nearby who helps out; a settled home.',
          worries: complete ? 'Money is tight, and the family rarely go out together.' : null,
        },
      },
      headlineNeeds: headlines.slice(0, 3),
    }
    const content = complete
      ? {
          ...draft,
          children: children.map((c, i) => ({
            personId: c.personId,
            story: CHILD_STORIES[i % CHILD_STORIES.length] as string,
            voice: CHILD_VOICES[i % CHILD_VOICES.length] as string,
          })),
          domains: {
            ...draft.domains,
            'child-development': {
              strengths: 'Healthy and growing well; enjoys football and drawing.',
              worries: 'Missed school, and says they feel worried at bedtime.',
            },
            'parenting-capacity': {
              strengths: `${n.parent} knows the children well and wants to make changes.`,
              worries: 'Routines slip when things are hard, and boundaries are not always kept.',
            },
          },
          workingWell: `${n.parent} is open with us, and the family sat down together to talk at the second visit.`,
          worries: 'Arguments at home are frequent, and the children are missing school.',
          needsToHappen: 'A plan agreed with the family, with calmer routines, time together and help from school.',
        }
      : draft
    this.assessmentVersion = await this.services.assessments.save(
      this.worker,
      this.caseId,
      this.assessmentId,
      this.assessmentVersion,
      content,
    )
    if (complete) {
      await this.services.assessments.complete(this.worker, this.caseId, this.assessmentId, this.assessmentVersion)
    }
  }

  /** The family's plan, written with them: goals from their headline needs, actions from the service's support. */
  async writePlan(headlines: number[]) {
    if (!this.planId) {
      this.planId = (await this.services.plans.start(this.worker, this.caseId, 'family-action')).id
    }
    const current = await this.services.plans.get(this.worker, this.caseId, this.planId)
    const requests = current.plan.actions.filter((a) => a.requestedBySocialWorker)
    const n = this.names
    const by = (days: number) => this.on(this.weekday(17 + days))
    const { version } = await this.services.plans.replace(this.worker, this.caseId, this.planId, {
      version: current.plan.version,
      summary: this.family.children.some((c) => c.unborn)
        ? `"We want to be ready for our baby, and to have people around us we can turn to."`
        : `"We want home to feel calm again, and for ${n.child} to be happy going to school."`,
      goals: headlines.map((h, i) => {
        const template = GOALS[h] as GoalTemplate
        const request = requests[i]
        return {
          need: template.need(n),
          outcome: template.outcome(n),
          howWeKnow: template.howWeKnow,
          headlineOutcome: h,
          actions: [
            ...(request ? [{ id: request.id, what: request.what, who: request.who }] : []),
            ...template.actions.map((a, j) => ({
              what: a.what(n),
              who: a.who(n),
              byWhen: by(14 + 14 * i + 21 * j),
              supportId: this.support(a.support, i + j),
              professionalOnly: false,
            })),
          ],
        }
      }),
      actions: requests.slice(headlines.length).map((r) => ({ id: r.id, what: r.what, who: r.who })),
    })
    this.planVersion = version
    const written = await this.services.plans.get(this.worker, this.caseId, this.planId)
    this.goals = written.plan.goals.map((g, i) => {
      const start = this.random.between(2, 4)
      return {
        id: g.id,
        template: GOALS[headlines[i] as number] as GoalTemplate,
        family: start,
        worker: Math.max(1, start - 1),
        headline: headlines[i] as number,
      }
    })
    this.actions = written.plan.actions.map((a) => ({ id: a.id }))
  }

  /** Support from the programme's catalogue that fits the action: the first word that names an item, in order. */
  support(words: string[], turn: number): string | null {
    const catalogue = this.programme.support
    for (const word of words) {
      const found = catalogue.find((s) => `${s.id} ${s.name.toLowerCase()}`.includes(word))
      if (found) return found.id
    }
    return catalogue[turn % catalogue.length]?.id ?? null
  }

  async agreePlan(day: number) {
    const { version } = await this.services.plans.agree(this.worker, this.caseId, this.planId, this.planVersion, {
      agreedOn: this.on(day),
      agreedWith: `${this.adultsNamed()}${this.programme.plan.socialWorkerRequests ? ', and their social worker' : ''}`,
    })
    this.planVersion = version
    await this.scaling('start', day)
  }

  async signOffPlan() {
    const { version } = await this.services.plans.signOff(this.manager, this.caseId, this.planId, this.planVersion)
    this.planVersion = version
  }

  async actionMoves(index: number, status: 'in-progress' | 'done') {
    const action = this.actions[index]
    if (!action) return
    const { version } = await this.services.plans.setActionStatus(
      this.worker,
      this.caseId,
      this.planId,
      action.id,
      this.planVersion,
      {
        status,
        statusNote: status === 'done' ? 'Done, and the family say it helped.' : 'Started this week.',
      },
    )
    this.planVersion = version
  }

  /** Scaling at the start, between reviews, or at closure (a review asks its own). */
  async scaling(occasion: 'start' | 'other' | 'closure', day: number) {
    if (this.goals.length === 0) return
    for (const g of occasion === 'start' ? [] : this.goals) {
      g.family = Math.min(10, g.family + this.random.between(1, 2))
      g.worker = Math.min(10, g.worker + this.random.between(0, 1))
    }
    await this.services.progress.recordScaling(this.worker, this.caseId, {
      askedOn: this.on(day),
      occasion,
      scores: this.goals.map((g) => ({ goalId: g.id, familyScore: g.family, workerScore: g.worker })),
    })
  }

  move(goal: { family: number; worker: number }, delta: number) {
    goal.family = Math.min(10, Math.max(0, goal.family + delta))
    goal.worker = Math.min(10, Math.max(0, goal.worker + delta))
  }

  /** A reading of one of the programme's measures, `progress` of the way from the start (0) to the end of the work (1). */
  async measure(
    measure: Measure,
    occasion: 'start' | 'review' | 'closure' | 'follow-up',
    progress: number,
    reviewId?: string,
  ) {
    const people = await this.casePeople()
    const recordedOn = londonDate(this.services.clock())
    const children = people.filter((p) => p.role === 'child')
    const adults = people.filter((p) => p.role === 'parent' || p.role === 'carer')
    const unborn = people.filter((p) => p.role === 'unborn')
    const at = (from: number, to: number) => Math.round(from + (to - from) * progress)
    const readings: { personId?: string; value: Record<string, unknown> }[] = []
    switch (measure.kind) {
      case 'school-attendance':
        for (const [i, child] of children.entries()) {
          const possible = 60
          readings.push({
            personId: child.personId,
            value: {
              from: addDays(recordedOn, -42),
              to: addDays(recordedOn, -1),
              possible,
              attended: at([48, 27, 54][i % 3] as number, [58, 55, 57][i % 3] as number),
            },
          })
        }
        break
      case 'education-employment':
        for (const [i, adult] of adults.entries()) {
          const status =
            i === 0
              ? progress >= 0.9
                ? 'in-work'
                : progress >= 0.5
                  ? 'education-training'
                  : 'looking-for-work'
              : 'not-working-caring'
          readings.push({ personId: adult.personId, value: { status } })
        }
        break
      case 'child-in-need':
        for (const child of [...children, ...unborn]) {
          const status = progress >= 0.9 ? 'none' : progress >= 0.5 ? 'early-help' : 'child-in-need-plan'
          readings.push({ personId: child.personId, value: { status } })
        }
        break
      case 'child-at-home':
        for (const child of children) {
          readings.push({
            personId: child.personId,
            value: { atHome: !(this.removed && child.personId === this.babyId) },
          })
        }
        break
      case 'count':
        readings.push({ value: { count: at(2, 0) } })
        break
      case 'scaling':
        readings.push({ value: { score: at(3, 8) } })
        break
      case 'licensed-score': {
        const low = measure.minimum ?? 0
        const high = measure.maximum ?? low + 10
        readings.push({
          value: { score: at(low + Math.round((high - low) * 0.3), low + Math.round((high - low) * 0.7)) },
        })
        break
      }
    }
    if (readings.length === 0) return
    const forFamily = subjectOf(measure) === 'family'
    await this.services.progress.recordMeasure(this.worker, this.caseId, {
      measureId: measure.id,
      occasion,
      recordedOn,
      ...(reviewId ? { reviewId } : {}),
      readings: forFamily ? readings.map((r) => ({ value: r.value })) : readings,
    })
  }

  /** A review: who came, how each goal is going, the scores, and the decision. */
  async review(planned: PlannedReview) {
    const heldOn = this.on(planned.day)
    const worse = planned.decision === 'change-pathway'
    const progress = this.goals.map((g) => {
      const delta = worse ? -1 : this.random.between(1, 2)
      this.move(g, delta)
      const direction: 'better' | 'same' | 'worse' = delta > 0 ? 'better' : delta < 0 ? 'worse' : 'same'
      return { goalId: g.id, direction, evidence: g.template.evidence[direction] }
    })
    const extension = this.programme.extension
    const stepping = planned.decision === 'step-down'
    const participants: Participant[] = [
      'family',
      'key-worker',
      ...planned.required,
      ...(planned.decision === 'extend' && extension ? extension.requestedBy.slice(0, 1) : []),
    ]
    const { id } = await this.services.reviews.record(this.worker, this.caseId, {
      heldOn,
      scheduledId: planned.scheduledId,
      attendees: {
        participants: [...new Set(participants)],
        others: stepping ? 'the school’s family liaison worker' : null,
      },
      progress,
      scaling: this.goals.map((g) => ({ goalId: g.id, family: g.family, worker: g.worker })),
      familyView: worse
        ? `"It's been a really hard few weeks. We need more help than we thought."`
        : `"Things feel calmer. We're proud of how the last few weeks have gone."`,
      summary: this.reviewSummary(planned),
      decision: planned.decision,
      ...(planned.decision === 'extend' && extension ? { requestedBy: extension.requestedBy[0] } : {}),
      ...(planned.decision === 'change-pathway'
        ? {
            pathway: this.programme.pathways.find((p) => p.id !== this.pathway)?.id ?? null,
            pathwayReason:
              'The crisis has eased but the worries underneath it have not: the family need the longer work of this pathway.',
          }
        : {}),
      ...(stepping
        ? { frequencies: this.frequencies(planned.day).map((s) => ({ from: this.on(s.day), frequency: s.frequency })) }
        : {}),
    })
    for (const measure of this.programme.outcomes.measures) {
      await this.measure(measure, 'review', Math.min(0.8, planned.day / (this.plot.closeOn ?? planned.day + 60)), id)
    }
    if (worse) await this.changePlan(planned.day)
  }

  reviewSummary(planned: PlannedReview): string {
    switch (planned.decision) {
      case 'extend':
        return 'Good progress on every goal, but the family and the social worker feel it is too soon to stop: a further cycle was asked for and agreed.'
      case 'step-down':
        return 'The goals are mostly met. Support will reduce gradually, with contact falling step by step.'
      case 'change-pathway':
        return 'Scores have gone down. The family need longer, steadier support than the crisis pathway offers.'
      case 'close':
        return 'The family have met their goals and everyone agrees the work can end.'
      default:
        return 'Steady progress. Carry on with the plan as agreed.'
    }
  }

  /** The step-down's planned contact, each step less often than the one before. */
  frequencies(from: number): { day: number; frequency: ContactFrequency }[] {
    const phase = stepDownPhase(this.programme)
    const length = daysIn(phase?.length ?? phase?.maximum) ?? 42
    return [
      { day: from, frequency: 'weekly' },
      { day: from + Math.round(length * 0.6), frequency: 'fortnightly' },
      { day: from + Math.round(length * 0.85), frequency: 'monthly' },
    ]
  }

  /** After a review changed the pathway: the next edition of the plan, agreed and signed off. */
  async changePlan(day: number) {
    const { id } = await this.services.plans.newEdition(this.worker, this.caseId, this.planId, this.planVersion, {
      changeReason:
        'The pathway changed at the review: more time for family sessions, and support from the wider family.',
    })
    const { version } = await this.services.plans.saveAction(this.worker, this.caseId, id, 1, null, {
      goalId: this.goals[0]?.id ?? null,
      what: 'A family network meeting with grandparents and an aunt, to plan who helps when',
      who: 'Demo Key Worker',
      byWhen: this.on(this.weekday(day + 14)),
      supportId: this.support(['network', 'family'], 0),
      professionalOnly: false,
    })
    const agreed = await this.services.plans.agree(this.worker, this.caseId, id, version, {
      agreedOn: this.on(day),
      agreedWith: this.adultsNamed(),
    })
    this.planVersion = (await this.services.plans.signOff(this.manager, this.caseId, id, agreed.version)).version
    this.planId = id
    this.actions = (await this.services.plans.get(this.worker, this.caseId, id)).plan.actions.map((a) => ({ id: a.id }))
  }

  /** Derbyshire-style systemic practice: a case consultation on the worker's dilemma. */
  async consult(day: number) {
    const n = this.names
    await this.services.consultations.recordConsultation(this.worker, this.caseId, {
      heldOn: this.on(this.weekday(day)),
      attendees: 'Demo Key Worker, Demo Family Worker, Demo Manager (consultant), the family’s social worker',
      dilemma: `How to keep ${n.parent} engaged when visits feel like being checked up on.`,
      hypotheses:
        'Earlier contact with services felt blaming; the family may be testing whether this team is different.',
      ideas: 'Ask the family what would make visits feel useful; bring the genogram to the next session.',
      actions: 'Key worker to ask the family to choose the focus of the next two sessions.',
      nextOn: this.on(this.weekday(day + 35)),
    })
  }

  async formulate() {
    const n = this.names
    await this.services.consultations.recordFormulation(this.worker, this.caseId, {
      writtenOn: this.on(this.weekday(20)),
      presenting: `Arguments between ${n.child} and ${n.parent}, and ${n.child} staying out late.`,
      predisposing: `${n.parent} grew up in care and has little family support.`,
      precipitating: 'A house move last year away from friends and school.',
      perpetuating: 'Arguments end with someone leaving the house, so nothing gets resolved.',
      protective: `${n.parent} and ${n.child} are close when things are calm; a grandparent nearby helps.`,
    })
  }

  /** Another agency asked to help, for the family's first goal, and what came of it. */
  async referOnwards(day: number, length: number) {
    const goal = this.goals[0]
    if (!goal) return
    const { id } = await this.services.onwardReferrals.record(this.worker, this.caseId, {
      agency: goal.template.agency,
      reason: goal.template.reason(this.names),
      sentOn: this.on(day),
      basis: 'consent',
      goalId: goal.id,
    })
    const answered = this.weekday(day + 8)
    if (answered >= length) return
    this.day(answered, 15)
    await this.services.onwardReferrals.respond(this.worker, this.caseId, id, 1, {
      respondedOn: this.on(answered),
      outcome: 'accepted',
      response: 'Accepted: a first appointment has been offered.',
    })
  }

  /** An expectant family's second referral, sent three weeks ago and still unanswered: overdue, to chase. */
  async referOnwardsWaiting(day: number) {
    const goal = this.goals.find((g) => g.headline === 10) ?? this.goals[1]
    await this.services.onwardReferrals.record(this.worker, this.caseId, {
      agency: GOALS[10]?.agency ?? 'Northshire Welfare Rights Service',
      reason: GOALS[10]?.reason(this.names) ?? 'Help with money.',
      sentOn: this.on(day),
      basis: 'consent',
      goalId: goal?.id ?? null,
    })
  }

  /** STARS: the pre-birth assessment's outcome sets the pathway. */
  async preBirthOutcome(day: number) {
    const pathways = this.programme.pathways
    const outcome = (this.stage === 'closed' ? pathways[1] : pathways[0]) ?? pathways[0]
    if (!outcome) return
    await this.services.reviews.recordPreBirthOutcome(this.worker, this.caseId, {
      decidedOn: this.on(day),
      outcome: outcome.id,
      note:
        outcome === pathways[0]
          ? 'The parents have shown they can keep the baby safe, with support.'
          : 'The baby will be placed with foster carers after the birth. Support continues for the parents.',
    })
    this.removed = outcome !== pathways[0]
  }

  /** The baby arrives: the unborn child becomes a child, born on the due date. */
  async born() {
    const network = await this.services.network.network(this.worker, this.caseId, { audited: false })
    const baby = network.people.find((p) => p.role === 'unborn')
    if (!baby) return
    await this.services.network.updatePerson(this.worker, this.caseId, baby.personId, {
      role: 'child',
      givenName: `${this.random.pick(CHILD_NAMES)}`,
      familyName: baby.familyName,
      dateOfBirth: londonDate(this.services.clock()),
      relationship: baby.relationship,
      version: baby.version,
    })
    this.babyId = baby.personId
    this.people = undefined
  }

  /** A worker proposes closure: where the family goes next, the outcomes, the children at home, the programme's steps. */
  async proposeClosure(day: number) {
    const ending = this.ending()
    const met = ending === 'met'
    const overview = await this.services.closures.overview(this.worker, this.caseId)
    const destination = !met
      ? overview.destinations.find((d) => d.id === ending)
      : this.removed
        ? overview.destinations.find((d) => /remov/i.test(d.name))
        : this.pathway && /reunif/.test(this.pathway)
          ? overview.destinations.find((d) => /return/i.test(d.name))
          : undefined
    const n = this.names
    const reasons = {
      'moved-away': `The family are moving to another area to be near ${n.parent}'s sister. We have passed on the plan, with their agreement.`,
      'withdrew-consent':
        'The family have decided they do not want to carry on with the work for now. They know how to come back.',
      met:
        this.stage === 'closing'
          ? 'Quicker progress than anyone expected: the family have met their goals, and everyone agrees the work can end early.'
          : 'The family have met the goals in their plan and everyone agrees the work can end.',
    }
    await this.services.closures.propose(this.worker, this.caseId, {
      closedOn: this.on(day),
      reason: reasons[ending],
      destinationId: (destination ?? overview.destinations[0])?.id ?? null,
      outcomes: overview.needs.headlines.map((h, i) => ({
        headline: h.headline,
        result: met ? (i === 1 ? 'sustained' : 'improved') : 'no-change',
        evidence: met
          ? (this.goals.find((g) => g.headline === h.headline)?.template.evidence.better ??
            'The family and the worker agree things are better')
          : 'Too early to see lasting change',
      })),
      children: overview.children.map((c) => ({
        personId: c.personId,
        livingAtHome: c.role === 'unborn' ? null : !(this.removed && c.personId === this.babyId),
      })),
      steps: overview.steps
        .filter((s) => s.recipients.length === 0)
        .map((s, i) => ({
          stepId: s.id,
          done: met,
          doneOn: met ? this.on(this.weekday(day - 3 * i, -1)) : null,
          note: met ? (STEP_NOTES[i % STEP_NOTES.length] as string) : null,
        })),
    })
  }

  /** How the work ends: its goals met (at the end, or early), or the family moving away or withdrawing. */
  ending(): 'met' | 'moved-away' | 'withdrew-consent' {
    if (this.stage !== 'closing') return 'met'
    if (this.family.children.some((c) => c.unborn)) return 'moved-away'
    return this.index === 1 ? 'withdrew-consent' : 'met'
  }

  async signOffClosure() {
    const overview = await this.services.closures.overview(this.manager, this.caseId)
    await this.services.closures.signOff(this.manager, this.caseId, overview.closure?.version ?? 1)
  }

  /** The closing report, sent after closure to everyone who receives it. */
  async reportSent(day: number) {
    const overview = await this.services.closures.overview(this.worker, this.caseId)
    const recipients = overview.steps.flatMap((s) => s.recipients)
    await this.services.closures.recordSteps(this.worker, this.caseId, overview.closure?.version ?? 1, {
      recipients: recipients.map((participant) => ({ participant, sentOn: this.on(day) })),
    })
  }

  /** The follow-up check: the children still at home, no new referral. */
  async followUp(months: number, day: number) {
    const checks = await this.services.closures.followUps(this.worker, this.caseId)
    const check = checks.find((c) => c.months === months)
    if (!check) return
    const children = (await this.casePeople()).filter((p) => p.role === 'child' || p.role === 'unborn')
    await this.services.closures.recordFollowUp(this.worker, this.caseId, check.id, check.version, {
      doneOn: this.on(day),
      children: children.map((c) => ({
        personId: c.personId,
        livingAtHome: c.role === 'unborn' ? null : !(this.removed && c.personId === this.babyId),
      })),
      reReferred: false,
      note: 'Spoke to the family and the school: things are going well.',
    })
  }
}

/** A family as referred on `referredOn`: an expectant family for a pre-birth service, children of the right ages otherwise. */
function makeFamily(
  programme: Programme,
  surname: string,
  random: Random,
  referredOn: IsoDate,
  dueIn: number | undefined,
): DemoFamily {
  const adults = [{ givenName: random.pick(ADULT_NAMES), relationship: 'Mother' }]
  if (random.next() < 0.5) adults.push({ givenName: random.pick(ADULT_NAMES), relationship: 'Father' })
  if (adults[1]?.givenName === adults[0]?.givenName) adults.pop()
  if (dueIn !== undefined) {
    return {
      surname,
      adults,
      children: [{ givenName: 'Baby', unborn: true, expectedDueDate: addDays(referredOn, dueIn) }],
    }
  }
  const ages = criteria(programme.eligibility.rule).find((c) => c.type === 'age')
  const youngest = ages && 'minimum' in ages && ages.minimum ? ages.minimum.years : 5
  const oldest = ages && 'maximum' in ages && ages.maximum ? Math.min(ages.maximum.years, 15) : 14
  const count = random.between(1, 3)
  const names = [...CHILD_NAMES]
  const children = Array.from({ length: count }, (_, i) => {
    const [givenName] = names.splice(Math.floor(random.next() * names.length), 1)
    const age = Math.max(youngest, oldest - 1 - i * random.between(2, 3))
    return {
      givenName: givenName ?? 'Kit',
      dateOfBirth: addDays(referredOn, -365 * age - random.between(0, 300)),
    }
  })
  return { surname, adults, children }
}
