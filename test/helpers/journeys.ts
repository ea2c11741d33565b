import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { addDays, addMonths, type IsoDate, londonDate, londonMoment } from '../../src/domain/isoDate.ts'
import { setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { type AxeLog, axeLog, check as checkPage, launchBrowser, shown, skip } from '../helpers/browser.ts'
import { caseworkTeam } from '../helpers/cases.ts'

/**
 * The kit for the journeys in test/browser/journeys/: for each of the five services, one family
 * from referral to closure and follow-up, exactly as the service's own document (its seed)
 * describes it, one file per service. Each journey is clicked and typed by the people who would do
 * it — the team manager, the key worker and, for Staying Together, the family's social worker — on
 * a clock the journey moves on, so that week-12 reviews and the 3, 6 and 12-month follow-ups come
 * round. Axe runs on every distinct page and error state passed through; any violation fails the
 * journey.
 */

/**
 * The app's clock: set to a day and time, then running on as the test runs, as a real clock would
 * (a record saved "now" is then in the past for the next page, as it is for a person).
 */
let setTo = new Date()
let setAt = Date.now()
const clock = () => new Date(setTo.getTime() + (Date.now() - setAt))
export let app: TestApp
let browser: Browser
export let team: Awaited<ReturnType<typeof caseworkTeam>>

/** Starts Hearth on the journey's clock, with a team, and Chromium, for the file that calls it. */
export function useJourneyApp() {
  before(async () => {
    if (skip) return
    // Weeks pass between steps: sessions long enough that nobody is signed out in between (if a
    // page does ask to sign in, Actor.go does), and a sign-in allowance for five journeys of it.
    app = await startTestApp({
      clock,
      env: { SIGN_IN_RATE_LIMIT: '1000', SESSION_IDLE_MINUTES: '10000000', SESSION_ABSOLUTE_HOURS: '1000000' },
    })
    const { authorityId } = await setUpAuthority(app.services)
    team = await caseworkTeam(app.services, authorityId)
    browser = await launchBrowser()
  })
  after(async () => {
    if (skip) return
    await browser.close()
    await app.close()
  })
}

// ---------------------------------------------------------------------------------------------
// The clock: each journey runs on its own days. Dates typed into forms are London dates.

/** Sets the clock to a London day and time. */
export function at(day: IsoDate, hours = 10, minutes = 0): IsoDate {
  setTo = londonMoment(day, hours, minutes)
  setAt = Date.now()
  return day
}
export const today = (): IsoDate => londonDate(clock())
/** Moves the clock on by whole days, to 10:00 London time; returns the new day. */
export const daysOn = (days: number): IsoDate => at(addDays(today(), days))
export const weeksOn = (weeks: number): IsoDate => daysOn(weeks * 7)

// ---------------------------------------------------------------------------------------------
// People at their browsers, each in their own browser context, signing in when a page asks.

export interface Person {
  name: string
  email: string
  password: string
}

/**
 * Pages checked with axe so far in this file, by name. A page that shows the service's own rules
 * (screening, reviews, closure) is checked in its journey, its name prefixed with the journey's; a
 * page that looks the same whichever the service (a contact, a goal, a follow-up) once.
 */
const checked = new Set<string>()

/**
 * The pages that look the same whichever the service and that every journey passes through. The
 * Derby journey passes through them all and checks them (and fails if it no longer passes through
 * one); the other journeys leave them, so that each file checks only what is its own.
 */
const SHARED_PAGES = new Set([
  ...['child', 'children', 'adult', 'adults', 'address', 'happening', 'facts', 'hopes', 'consent', 'check', 'sent'].map(
    (step) => `refer-${step}`,
  ),
  'referrals-inbox',
  'referral-match',
  'decision',
  'decision-errors',
  'referral-accepted',
  'case-unallocated',
  'allocation',
  'start-support',
  'contact-new',
  'plan-details',
  'plan-goal',
  'plan-action',
  'plan-agree',
  'plan-edition-agreed',
  'review',
  'closure',
  'closure-propose-errors',
  'closure-proposed',
  'closure-sign-off',
  'closure-signed-off',
  'work-follow-up',
  'work-team-sign-off',
  'follow-up',
  'follow-up-errors',
  'chronology',
])

/** One journey's browser contexts and axe log. */
export class Journey {
  readonly log: AxeLog = axeLog()
  private contexts: BrowserContext[] = []

  /** `checksSharedPages`: this journey checks the pages in SHARED_PAGES, for all five. */
  constructor(
    readonly prefix: string,
    private readonly options: { checksSharedPages?: boolean } = {},
  ) {}

  /** A browser for `person`, signed in when a page asks. */
  async as(person: Person): Promise<Actor> {
    const context = await browser.newContext()
    context.setDefaultTimeout(10_000)
    this.contexts.push(context)
    return new Actor(this, person, await context.newPage())
  }

  /** Axe and a screenshot, once per distinct page or error state. */
  async check(page: Page, name: string) {
    if (checked.has(name) || (SHARED_PAGES.has(name) && !this.options.checksSharedPages)) return
    checked.add(name)
    await checkPage(this.log, page, `journeys-${name}`)
  }

  /** Runs the journey; on failure, keeps a screenshot of each person's page for whoever reads the failure. */
  async run(steps: () => Promise<void>) {
    try {
      await steps()
    } catch (error) {
      for (const [index, context] of this.contexts.entries()) {
        for (const page of context.pages()) {
          const path = `test-results/screens/journeys-${this.prefix}-failed-${index}.png`
          await page.screenshot({ path, fullPage: true }).catch(() => undefined)
          console.error(`${this.prefix}: page ${index} was ${page.url()} (${path})`)
        }
      }
      throw error
    } finally {
      for (const context of this.contexts) await context.close()
    }
    if (this.options.checksSharedPages) {
      const missed = [...SHARED_PAGES].filter((name) => !checked.has(name))
      assert.deepEqual(missed, [], 'shared pages this journey no longer passes through, so nobody checks')
    }
    assert.deepEqual(this.log.violations, [], `axe found problems:\n${this.log.violations.join('\n')}`)
  }
}

/** A case's tabs, and where each is. */
const TABS = {
  Overview: '',
  Assessment: '/assessment',
  Plan: '/plan',
  Contacts: '/contacts',
  Reviews: '/reviews',
  Progress: '/progress',
  Consultations: '/consultation',
  Chronology: '/chronology',
  'People and network': '/people',
  Closure: '/closure',
} as const

export class Actor {
  constructor(
    readonly journey: Journey,
    readonly person: Person,
    readonly page: Page,
  ) {}

  /** Opens a page of Hearth (a bookmark, or a link in an email), signing in first if asked. */
  async go(path: string) {
    const page = this.page
    await page.goto(`${app.baseUrl}${path}`)
    if (new URL(page.url()).pathname === '/sign-in') {
      await page.getByLabel('Email address').fill(this.person.email)
      await page.getByRole('textbox', { name: 'Password' }).fill(this.person.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL((url) => url.pathname !== '/sign-in')
    }
  }

  /** Axe on a page that looks the same in every service. */
  check(name: string) {
    return this.journey.check(this.page, name)
  }

  /** Axe on a page that shows this service's own rules. */
  checkOwn(name: string) {
    return this.journey.check(this.page, `${this.journey.prefix}-${name}`)
  }

  /** Opens a case at one of its tabs (from a bookmark, or the case list). */
  async open(caseId: string, tab: keyof typeof TABS) {
    await this.go(`/cases/${caseId}${TABS[tab]}`)
    await shown(this.page.locator('.moj-sub-navigation__link[aria-current="page"]', { hasText: tab }))
  }

  /** Clicks a case tab. */
  async tab(name: keyof typeof TABS) {
    await this.page.getByRole('navigation', { name: 'Case' }).getByRole('link', { name, exact: true }).click()
    await shown(this.page.locator('.moj-sub-navigation__link[aria-current="page"]', { hasText: name }))
  }

  button(name: string | RegExp) {
    return this.page.getByRole('button', { name })
  }

  link(name: string | RegExp) {
    return this.page.getByRole('link', { name })
  }

  async fill(label: string | RegExp, value: string) {
    await this.page.getByLabel(label, { exact: typeof label === 'string' }).fill(value)
  }

  /** Ticks a radio or checkbox by its label (all of it, or a pattern), in the group named if any. */
  async choose(label: string | RegExp, within?: string | RegExp) {
    const scope = within ? this.page.getByRole('group', { name: within }) : this.page
    const exact = typeof label === 'string'
    await scope
      .getByRole('radio', { name: label, exact })
      .or(scope.getByRole('checkbox', { name: label, exact }))
      .check()
  }

  /** Fills a GOV.UK date input by its id prefix. */
  async date(id: string, day: IsoDate) {
    const [y, m, d] = day.split('-')
    await this.page.locator(`#${id}-day`).fill(String(Number(d)))
    await this.page.locator(`#${id}-month`).fill(String(Number(m)))
    await this.page.locator(`#${id}-year`).fill(String(y))
  }

  /** Submits, expecting the page to show `text` afterwards. */
  async submit(button: string | RegExp, text: string | RegExp) {
    await this.button(button).click()
    await shown(this.page.getByText(text).first())
  }

  /** Submits with something missing or wrong, and checks the error summary. */
  async refused(button: string | RegExp, problem: string | RegExp, name: string) {
    await this.button(button).click()
    await shown(this.page.getByRole('alert').getByText('There is a problem'))
    await shown(this.page.getByRole('alert').getByText(problem).first())
    await this.check(name)
  }

  text(locator = this.page.locator('main')) {
    return locator.innerText()
  }
}

// ---------------------------------------------------------------------------------------------
// Steps every journey shares, done as the people who would do them.

export interface Family {
  surname: string
  children: { givenName: string; dateOfBirth?: IsoDate; dueDate?: IsoDate }[]
  adults: { givenName: string; relationship: string }[]
  postcode: string
  indicators: string[]
  happening: string
  hopes: string
  givenBy: string
}

/** Adds the family's children, parents and carers, address, what is happening and hopes: the pages both forms share. */
export async function describeFamily(
  a: Actor,
  family: Family,
  facts?: (a: Actor) => Promise<void>,
  form: 'refer' | 'public-refer' = 'refer',
) {
  const { page } = a
  for (const child of family.children) {
    await a.button(/^Add (a|another) child$/).click()
    await a.check(`${form}-child`)
    await a.fill('First name', child.givenName)
    await a.fill('Last name', family.surname)
    if (child.dateOfBirth) {
      await a.choose('Yes')
      await a.date('dateOfBirth', child.dateOfBirth)
    } else {
      await a.choose('No, the baby is due')
      await a.date('expectedDueDate', child.dueDate as IsoDate)
    }
    await a.button('Save child').click()
    await shown(page.getByText(`${child.givenName} ${family.surname}`).first())
  }
  await a.check(`${form}-children`)
  await a.button('Continue').click()
  for (const adult of family.adults) {
    await a.button('Add a parent or carer').click()
    await a.check(`${form}-adult`)
    await a.fill('First name', adult.givenName)
    await a.fill('Last name', family.surname)
    await a.fill('Relationship to the children', adult.relationship)
    await a.button('Save').click()
    await shown(page.getByText(`${adult.givenName} ${family.surname}`).first())
  }
  await a.check(`${form}-adults`)
  await a.button('Continue').click()
  await a.fill('Postcode', family.postcode)
  await a.check(`${form}-address`)
  await a.button('Continue').click()
  for (const indicator of family.indicators) await a.choose(indicator)
  await a.fill('Tell us what is happening, in your own words', family.happening)
  await a.check(`${form}-happening`)
  await a.button('Continue').click()
  if (facts) {
    await shown(page.getByRole('heading', { name: 'What you know for screening' }))
    await facts(a)
    await a.check(`${form}-facts`)
    await a.button('Continue').click()
  }
  await a.fill('What would the family like to change?', family.hopes)
  await a.check(`${form}-hopes`)
  await a.button('Continue').click()
  await a.page
    .getByRole('group', { name: /agreed to this referral/ })
    .getByLabel('Yes')
    .check()
  await a.page
    .getByRole('group', { name: /information about them/ })
    .getByLabel('Yes')
    .check()
  await a.fill('If they agreed, who agreed?', family.givenBy)
  await a.check(`${form}-consent`)
  await a.button('Continue').click()
  await shown(a.button('Send referral'))
  await a.check(`${form}-check`)
  await a.button('Send referral').click()
  // The public form ends on a confirmation panel; inside Hearth, on the referral itself.
  await shown(page.getByText('Referral sent', { exact: true }).first())
  const confirmation = await page.locator('main').innerText()
  const reference = /HRT-\d{4}-\d{6}/.exec(confirmation)?.[0]
  assert.ok(reference, `a reference on the confirmation: ${confirmation}`)
  await a.check(`${form}-sent`)
  return reference
}

/** Refers a family from inside Hearth ("Refer a family"), as a manager or social worker. */
export async function referInside(a: Actor, service: RegExp, family: Family, facts: (a: Actor) => Promise<void>) {
  await a.go('/')
  await a.link('Refer a family').click()
  await shown(a.page.getByRole('heading', { name: 'Which service are you referring to?' }))
  await a.check('refer-service')
  await a.page.getByRole('radio', { name: service }).check()
  await a.button('Continue').click()
  await shown(a.button(/^Add a child$/))
  return describeFamily(a, family, facts)
}

/** The manager opens the referral from Referrals, checks each person as new, and reads the screening. */
export async function openReferral(manager: Actor, reference: string) {
  const { page } = manager
  await manager.go('/')
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Referrals' }).click()
  await shown(page.getByRole('link', { name: reference }))
  await manager.check('referrals-inbox')
  await manager.link(reference).click()
  await shown(page.getByRole('heading', { name: `Referral ${reference}` }))
  await manager.checkOwn('referral')
  while (await page.getByRole('link', { name: /against people known/ }).count()) {
    await page
      .getByRole('link', { name: /against people known/ })
      .first()
      .click()
    await manager.check('referral-match')
    await page.getByLabel(/None of these/).check()
    await manager.button('Save').click()
    await shown(page.getByRole('heading', { name: `Referral ${reference}` }))
  }
}

/** Records the decision to accept, with the rationale (and the pathway, where the service chooses one now). */
export async function accept(manager: Actor, rationale: string, pathway?: RegExp) {
  const { page } = manager
  await manager.button('Make a decision').click()
  await shown(page.getByRole('heading', { name: 'Decide on the referral' }))
  await manager.check('decision')
  await manager.refused('Record decision', /Choose|Select/, 'decision-errors')
  await page.getByRole('radio', { name: /^Accept/ }).check()
  if (pathway) await page.getByRole('radio', { name: pathway }).check()
  await manager.fill('Rationale', rationale)
  await manager.submit('Record decision', 'The case is open and its timescales have started.')
  await manager.check('referral-accepted')
}

/** The manager finds the new case in Team cases and allocates the key worker and the social worker. */
export async function allocate(manager: Actor, surname: string) {
  const { page } = manager
  await manager.go('/cases/team')
  await manager.link(`${surname} family`).click()
  await shown(page.getByText('No key worker is allocated yet.'))
  await manager.check('case-unallocated')
  const caseId = new URL(page.url()).pathname.split('/')[2] as string
  await manager.button('Allocate').click()
  await manager.check('allocation')
  await page.getByRole('radio', { name: team.people.worker.name, exact: true }).check()
  await page.getByLabel('Who').selectOption({ label: `${team.people.socialWorker.name} (Hearth user)` })
  await manager.submit('Save allocation', 'The case is allocated.')
  await manager.checkOwn('case-allocated')
  return caseId
}

/** The key worker records the day support started. */
export async function startSupport(worker: Actor, caseId: string) {
  await worker.go(`/cases/${caseId}`)
  await worker.button('Start support').click()
  await worker.check('start-support')
  await worker.date('at', today())
  await worker.submit('Save', 'Recorded: support started.')
}

export interface Contact {
  type?: string
  time?: string
  seen?: 'Seen, with others there' | 'Seen, and seen on their own' | 'Not seen'
  note: string
  others?: string
  headline?: string
}

/** Records a contact with the family, today. */
export async function recordContact(worker: Actor, caseId: string, contact: Contact) {
  const { page } = worker
  await worker.go(`/cases/${caseId}/contacts/new`)
  await worker.check('contact-new')
  await worker.date('date', today())
  await worker.fill('Time', contact.time ?? '09:30')
  await worker.choose(contact.type ?? 'Home visit')
  await worker.choose('Took place')
  for (const group of await page.getByRole('group', { name: /^Was .* seen\?$/ }).all()) {
    await group.getByLabel(contact.seen ?? 'Seen, with others there', { exact: true }).check()
  }
  if (contact.others) await worker.fill('Anyone else who was there (optional)', contact.others)
  await worker.fill('Note', contact.note)
  if (contact.headline) {
    await worker.choose(/This is a significant event/)
    await worker.fill('Chronology headline', contact.headline)
  }
  await worker.button('Save the contact').click()
  await shown(page.getByText(contact.note.slice(0, 40)).first())
}

/** Reads a deadline's status on the case overview. */
export async function deadlineStatus(a: Actor, caseId: string, name: string | RegExp) {
  await a.go(`/cases/${caseId}`)
  const row = a.page.getByRole('row', { name }).first()
  await shown(row)
  return row.innerText()
}

export interface Goal {
  need: string
  outcome: string
  howWeKnow?: string
  /** The Supporting Families headline outcome, by number. */
  headline?: number
  actions: { what: string; who: string; support?: string; byWhen?: IsoDate }[]
}

/** Writes a draft plan's content: what the family is working towards and its goals with actions. */
export async function writeFamilyPlan(worker: Actor, summary: string, goals: Goal[]) {
  const { page } = worker
  await worker.link('Change what the family is working towards').click()
  await worker.check('plan-details')
  await worker.fill('What the family is working towards', summary)
  await worker.submit('Save', summary.slice(0, 40))
  for (const [index, goal] of goals.entries()) {
    await worker.button('Add a goal').click()
    await worker.check('plan-goal')
    await worker.fill('The need', goal.need)
    await worker.fill('The outcome wanted', goal.outcome)
    if (goal.howWeKnow) await worker.fill('How we’ll know (optional)', goal.howWeKnow)
    if (goal.headline) {
      await page.getByLabel('Supporting Families headline outcome (optional)').selectOption(String(goal.headline))
    }
    await worker.submit('Save the goal', goal.outcome.slice(0, 40))
    for (const action of goal.actions) {
      await worker.link(`Add an action to goal ${index + 1}`).click()
      await worker.check('plan-action')
      await worker.fill('What will be done', action.what)
      await worker.fill('Who will do it', action.who)
      if (action.byWhen) await worker.date('byWhen', action.byWhen)
      if (action.support) {
        await page.getByLabel('Support from the service (optional)').selectOption({ label: action.support })
      }
      await worker.submit('Save the action', action.what.slice(0, 40))
    }
  }
}

/** Agrees the draft being shown, today, with the people named. */
export async function agreePlan(worker: Actor, agreedWith: string) {
  await worker.button('Agree the plan').click()
  await worker.check('plan-agree')
  await worker.date('agreedOn', today())
  await worker.fill('Who was it agreed with?', agreedWith)
  await worker.button('Agree the plan').click()
  await shown(worker.page.getByText(`with ${agreedWith}`).first())
}

/** A team manager finds the agreed plan (by its name) waiting in Team work, and signs it off. */
export async function signOffPlan(manager: Actor, caseId: string, plan: string) {
  const { page } = manager
  await manager.go('/work/team')
  await manager.check('work-team-sign-off')
  await page.locator(`a[href^="/cases/${caseId}/plan/"]`, { hasText: plan }).click()
  await shown(page.getByRole('button', { name: 'Sign off the plan' }))
  await manager.check('plan-edition-agreed')
  await manager.submit('Sign off the plan', /Signed off/)
  await shown(page.getByText(`By ${team.people.manager.name}`).first())
}

export interface Review {
  scheduled?: RegExp
  attendees: string[]
  progress?: { direction: 'Better' | 'The same' | 'Worse'; evidence: string; family?: number; worker?: number }[]
  familyView?: string
  summary: string
  decision: string
  more?: (a: Actor) => Promise<void>
}

/** Records a review held today, from the Reviews tab; a review given a name has its pages checked with axe. */
export async function recordReview(worker: Actor, caseId: string, review: Review, name?: string) {
  const { page } = worker
  await worker.open(caseId, 'Reviews')
  if (name) await worker.checkOwn(`reviews-${name}`)
  await worker.button('Record a review').click()
  await shown(page.getByRole('heading', { name: 'Record a review' }))
  if (name) await worker.checkOwn(`review-form-${name}`)
  await worker.date('heldOn', today())
  if (review.scheduled) await page.getByRole('radio', { name: review.scheduled }).check()
  for (const who of review.attendees) await worker.choose(who, 'Who attended the review?')
  for (const [index, goal] of (review.progress ?? []).entries()) {
    const group = page.getByRole('group', { name: new RegExp(`^Goal ${index + 1}:`) })
    await group.getByRole('radio', { name: goal.direction, exact: true }).check()
    await group.getByLabel('What shows this').fill(goal.evidence)
    if (goal.family !== undefined) await group.getByLabel("The family's score").fill(String(goal.family))
    if (goal.worker !== undefined) await group.getByLabel("The worker's score").fill(String(goal.worker))
  }
  if (review.familyView) await worker.fill("The family's view (optional)", review.familyView)
  await worker.fill('Summary (optional)', review.summary)
  await page.getByRole('radio', { name: review.decision, exact: true }).check()
  if (review.more) await review.more(worker)
  await worker.button('Record the review').click()
}

/** Proposes closure from the Closure tab. */
export async function proposeClosure(
  worker: Actor,
  caseId: string,
  closure: {
    reason: string
    destination: string | RegExp
    outcomes: { headline: string; result: string; evidence: string }[]
    children: { name: string | RegExp; atHome: 'Yes' | 'No' | 'Not born yet' }[]
    steps?: (a: Actor) => Promise<void>
  },
) {
  const { page } = worker
  await worker.open(caseId, 'Closure')
  await worker.check('closure')
  await worker.button('Propose closure').click()
  await shown(page.getByRole('heading', { name: 'Propose closure' }))
  await worker.checkOwn('closure-propose')
  await worker.refused('Propose closure', /./, 'closure-propose-errors')
  await worker.date('closedOn', today())
  await worker.fill('Why is the work ending?', closure.reason)
  await page
    .getByRole('group', { name: 'Where does the family go next?' })
    .getByRole('radio', { name: closure.destination })
    .check()
  for (const need of closure.outcomes) {
    const group = page.locator('.hearth-step', {
      has: page.getByRole('group', { name: new RegExp(`^${need.headline}`) }),
    })
    await group.getByRole('radio', { name: need.result }).check()
    await group.getByLabel('What shows this').fill(need.evidence)
  }
  for (const child of closure.children) {
    await page.getByRole('group', { name: child.name }).getByRole('radio', { name: child.atHome, exact: true }).check()
  }
  if (closure.steps) await closure.steps(worker)
  await worker.button('Propose closure').click()
  await shown(page.getByText('Proposed by').first())
  await worker.check('closure-proposed')
}

/** A closure step recorded as done on a day. */
export async function stepDone(a: Actor, step: string, day: IsoDate, note?: string) {
  const part = a.page.locator('.hearth-step', { has: a.page.getByRole('heading', { name: step }) })
  await part.getByRole('radio', { name: 'Yes', exact: true }).check()
  const [y, m, d] = day.split('-')
  await part.getByLabel('Day').fill(String(Number(d)))
  await part.getByLabel('Month').fill(String(Number(m)))
  await part.getByLabel('Year').fill(String(y))
  if (note) await part.getByLabel('Note (optional)').fill(note)
}

/** The team manager finds the proposed closure waiting in Team work and signs it off, which closes the case. */
export async function signOffClosure(manager: Actor, caseId: string) {
  await manager.go('/work/team')
  await manager.page.locator(`a[href="/cases/${caseId}/closure"]`).click()
  await manager.button('Sign off closure').click()
  await manager.check('closure-sign-off')
  await manager.submit('Sign off and close the case', /Signed off/)
  await shown(manager.page.getByRole('heading', { name: 'Follow-up checks' }))
  await manager.check('closure-signed-off')
}

/**
 * The 3, 6 and 12-month follow-ups: each shows in My work when due, and is recorded from the
 * Closure tab — each child (by given name) still at home, and the family not referred again.
 */
export async function followUps(worker: Actor, caseId: string, surname: string, closedOn: IsoDate, children: string[]) {
  const { page } = worker
  for (const months of [3, 6, 12]) {
    at(addMonths(closedOn, months))
    await worker.go('/work')
    await shown(page.getByRole('row', { name: new RegExp(`${surname} family.*${months}-month follow-up`) }))
    await worker.check('work-follow-up')
    await worker.open(caseId, 'Closure')
    await worker.link(`Record the ${months}-month follow-up`).click()
    await worker.check('follow-up')
    if (months === 3) await worker.refused('Save the follow-up', /./, 'follow-up-errors')
    await worker.date('doneOn', today())
    for (const child of children) {
      await worker.choose('Yes', new RegExp(`^Is ${child} .* still living at home\\?`))
    }
    await worker.choose('No', 'Has the family been referred again?')
    await worker.submit('Save the follow-up', `${months}-month follow-up recorded`)
  }
  await worker.checkOwn('closure-followed-up')
}

/**
 * What Hearth records once the case is closed and followed up: closed, every follow-up done, each of
 * the `children` at home at closure and at 3, 6 and 12 months, nobody referred again; and each
 * deadline's status and the outcomes report, for the journey's own assertions.
 */
export async function closedCase(caseId: string, children: number) {
  const { row, state } = await app.services.cases.open(team.manager, caseId)
  assert.equal(row.status, 'closed')
  const outcomes = await app.services.closures.outcomes(team.manager, caseId)
  assert.ok(outcomes, 'a closure is recorded')
  assert.deepEqual(
    outcomes.followUps.map((f) => [f.months, Boolean(f.doneOn)]),
    [
      [3, true],
      [6, true],
      [12, true],
    ],
  )
  assert.deepEqual(
    outcomes.children.map((c) => [c.atClosure, c.after]),
    Array(children).fill([true, { '3': true, '6': true, '12': true }]),
  )
  assert.equal(outcomes.reReferred, false)
  assert.equal(outcomes.stillAtHomeAfterSixMonths, true)
  const status = (id: string) => state.deadlines.find((d) => d.id === id)?.status
  return { row, deadlines: state.deadlines, status, outcomes }
}

/** The family's chronology, as the key worker reads it, tells the story. */
export async function chronologyTells(worker: Actor, caseId: string, lines: RegExp[]) {
  await worker.open(caseId, 'Chronology')
  const story = await worker.text()
  for (const line of lines) assert.match(story, line)
  await worker.check('chronology')
}

export const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Refers a family through the public form at /refer, with no account. */
export async function referPublicly(
  a: Actor,
  service: RegExp,
  referrer: { parent?: boolean; name: string; organisation?: string; role?: string; email: string },
  family: Family,
) {
  const { page } = a
  await page.goto(`${app.baseUrl}/refer`)
  await a.check('public-refer-start')
  await a.button('Start now').click()
  await a.choose(referrer.parent ? 'A parent or carer referring my own family' : 'A professional')
  await a.check('public-refer-who')
  await a.button('Continue').click()
  await a.fill('Full name', referrer.name)
  if (referrer.organisation) await a.fill('Organisation', referrer.organisation)
  if (referrer.role) await a.fill('Your role', referrer.role)
  await a.fill(referrer.parent ? 'Email address (optional)' : 'Email address', referrer.email)
  await a.check(referrer.parent ? 'public-refer-about-you-parent' : 'public-refer-about-you')
  await a.button('Continue').click()
  await a.page.getByRole('radio', { name: service }).check()
  await a.check('public-refer-service')
  await a.button('Continue').click()
  await shown(a.button(/^Add a child$/))
  return describeFamily(a, family, undefined, 'public-refer')
}

/** Writes every part of the Early Help Assessment with the family, and completes it. */
export async function completeAssessment(worker: Actor, caseId: string, story: string, needs: string[]) {
  const { page } = worker
  await worker.open(caseId, 'Assessment')
  await worker.button(/^Start the assessment$/).click()
  await worker.fill('The family’s story', story)
  await worker.button('Save draft').click()
  await shown(page.getByText('Your draft is saved.'))
  await worker.check('assessment-draft')
  for (const area of await page.locator('form textarea').all()) {
    if (!(await area.inputValue())) await area.fill('Synthetic: written with the family, in their words.')
  }
  for (const need of needs) await worker.choose(need, 'Needs the family wants help with')
  await worker.submit('Complete the assessment', 'The assessment is complete.')
  await worker.check('assessment-complete')
}

/** Records a reading of one of the service's measures, from the Progress tab. */
export async function recordReading(
  worker: Actor,
  caseId: string,
  measure: string,
  occasion: string,
  fill: (a: Actor) => Promise<void>,
) {
  const { page } = worker
  await worker.open(caseId, 'Progress')
  await worker.link(new RegExp(`^Record a reading ?: ${escaped(measure)}$`)).click()
  await shown(page.getByRole('heading', { name: measure }))
  await worker.check(`measure-${measure}`)
  await worker.date('recordedOn', today())
  await worker.choose(occasion, /When is this reading taken\?/)
  await fill(worker)
  await worker.submit('Record the reading', `${measure}: reading recorded`)
}

/** Records how an action of the plan in force is going. */
export async function actionProgress(worker: Actor, caseId: string, action: string, status: string, note?: string) {
  const { page } = worker
  await worker.open(caseId, 'Plan')
  await page
    .getByRole('link', { name: new RegExp(`^Record progress on ?: ${escaped(action.slice(0, 40))}`) })
    .first()
    .click()
  await worker.check('plan-action-progress')
  await worker.choose(status, 'How is it going?')
  await worker.date('statusOn', today())
  if (note) await worker.fill('Note (optional)', note)
  await worker.submit('Save progress', 'Progress recorded')
}
