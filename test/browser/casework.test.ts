import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { axeLog, check as checkPage, launchBrowser, shown, signIn, skip } from '../helpers/browser.ts'
import { caseworkTeam, openCase } from '../helpers/cases.ts'

/**
 * Casework in Chromium: a manager allocates, a key worker visits and works with the family,
 * and both read what they need — with axe on every page seen.
 */

let app: TestApp
let browser: Browser
let team: Awaited<ReturnType<typeof caseworkTeam>>
let caseId: string
const log = axeLog()
const check = (page: Page, name: string) => checkPage(log, page, name)

before(async () => {
  if (skip) return
  app = await startTestApp()
  const { authorityId } = await setUpAuthority(app.services)
  team = await caseworkTeam(app.services, authorityId)
  caseId = await openCase(app.services, team.manager, 'derby-staying-together')
  await openCase(app.services, team.manager, 'lewisham-safer-stronger')
  browser = await launchBrowser()
})
after(async () => {
  if (skip) return
  await browser.close()
  await app.close()
})

test('a team manager allocates a case, over the caseload only with a reason', { skip }, async () => {
  const page = await (await browser.newContext()).newPage()
  await signIn(page, app.baseUrl, team.people.manager.email, team.people.manager.password)
  await page.getByRole('link', { name: 'Cases', exact: true }).click()
  await page.getByRole('link', { name: 'Team cases' }).click()
  await shown(page.getByText('Showing 1 to 2 of 2 cases'))
  await check(page, 'cases-team')
  await page.getByRole('link', { name: 'Novak family' }).click()
  await shown(page.getByRole('heading', { name: 'Novak family' }))
  await shown(page.getByText('No key worker is allocated yet.'))
  await check(page, 'case-overview-unallocated')
  await page.getByRole('button', { name: 'Allocate' }).click()
  await page.getByRole('button', { name: 'Save allocation' }).click()
  await shown(page.getByText('There is a problem'))
  await check(page, 'case-allocation-errors')
  await page.getByRole('radio', { name: team.people.worker.name, exact: true }).check()
  await page.getByLabel('Who').selectOption({ label: `${team.people.socialWorker.name} (Hearth user)` })
  await page.getByRole('button', { name: 'Save allocation' }).click()
  await shown(page.getByText('The case is allocated.'))
  await shown(page.getByText(`${team.people.worker.name}`).first())
  await check(page, 'case-overview-allocated')
  await page.getByRole('navigation', { name: 'Case' }).getByRole('link', { name: 'Access log' }).click()
  await shown(page.getByRole('heading', { name: 'Access log' }))
  await check(page, 'case-access-log')
  await page.goto(`${app.baseUrl}/cases/reallocate?from=${team.people.worker.id}`)
  await shown(page.getByRole('table'))
  await check(page, 'cases-reallocate')
  await page.goto(`${app.baseUrl}/work/team`)
  await shown(page.getByRole('heading', { name: 'Team work' }))
  await check(page, 'work-team')
  assert.deepEqual(log.violations, [], `axe found problems:\n${log.violations.join('\n')}`)
})

test('a key worker sees their work, starts support and records a milestone', { skip }, async () => {
  const before = log.violations.length
  const page = await (await browser.newContext()).newPage()
  await signIn(page, app.baseUrl, team.people.worker.email, team.people.worker.password)
  await shown(page.getByRole('heading', { name: 'Your work' }))
  await check(page, 'home-key-worker')
  await page.getByRole('link', { name: 'My work' }).first().click()
  await shown(page.getByText('Home visit with the lead worker'))
  await check(page, 'work-mine')
  await page.getByRole('link', { name: 'Cases', exact: true }).click()
  await page.getByRole('link', { name: 'Novak family' }).click()
  await page.getByRole('button', { name: 'Move the case on' }).click()
  await page.getByRole('button', { name: 'Save' }).click()
  await shown(page.getByText('There is a problem'))
  await check(page, 'case-stage-errors')
  await page.getByLabel('Support has started').check()
  const today = new Date()
  await page.getByLabel('Day').fill(String(today.getDate()))
  await page.getByLabel('Month').fill(String(today.getMonth() + 1))
  await page.getByLabel('Year').fill(String(today.getFullYear()))
  await page.getByRole('button', { name: 'Save' }).click()
  await shown(page.getByText('Recorded: Support started.'))
  await shown(page.getByText(/Intensive support, week 1 of 12/))
  await page.getByRole('button', { name: 'Record a milestone' }).click()
  await shown(page.getByLabel('Crisis intervention plan agreed'))
  await check(page, 'case-milestone')

  // The first home visit, recorded as a contact, meets Derby's 48-hour deadline.
  await page.getByRole('navigation', { name: 'Case' }).getByRole('link', { name: 'Contacts' }).click()
  await page.getByRole('button', { name: 'Record a contact' }).first().click()
  await shown(page.getByRole('heading', { name: 'Record a contact' }))
  await check(page, 'contact-new')
  await page.getByRole('button', { name: /Save/ }).click()
  await shown(page.getByText('There is a problem'))
  await check(page, 'contact-new-errors')
  const date = page.getByRole('group', { name: 'Date of the contact' })
  await date.getByLabel('Day').fill(String(today.getDate()))
  await date.getByLabel('Month').fill(String(today.getMonth() + 1))
  await date.getByLabel('Year').fill(String(today.getFullYear()))
  const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' })
  await page.getByLabel('Time').fill(london.format(new Date(Date.now() + 60_000)))
  await page.getByLabel('Home visit').check()
  await page.getByLabel('Took place').check()
  await page.getByLabel('Seen, and seen on their own').check()
  await page.getByLabel('Note').fill('Synthetic: met Casey and Dana at home; agreed what to work on first.')
  await page.getByRole('button', { name: /Save/ }).click()
  await shown(page.getByText('Synthetic: met Casey and Dana at home'))
  await check(page, 'contact-view')
  await page.getByRole('navigation', { name: 'Case' }).getByRole('link', { name: 'Contacts' }).click()
  await shown(page.getByText(/Showing 1 to 1 of 1 contact/))
  await check(page, 'contacts-list')
  await page.getByRole('navigation', { name: 'Case' }).getByRole('link', { name: 'Overview' }).click()
  const visit = page.getByRole('row', { name: /Home visit with the lead worker/ })
  await shown(visit.getByText('Met on time'))
  await shown(page.getByText(/Casey last seen/))

  // A worker adds to the family's chronology.
  await page.getByRole('navigation', { name: 'Case' }).getByRole('link', { name: 'Chronology' }).click()
  await shown(page.getByText(/Accepted by Staying Together Team/))
  await check(page, 'chronology')
  await page.getByRole('button', { name: 'Add an entry' }).click()
  await page.getByRole('button', { name: 'Add to the chronology' }).click()
  await shown(page.getByText('There is a problem'))
  await check(page, 'chronology-new-errors')
  const when = page.getByRole('group', { name: 'When did it happen?' })
  await when.getByLabel('Day').fill(String(today.getDate()))
  await when.getByLabel('Month').fill(String(today.getMonth() + 1))
  await when.getByLabel('Year').fill(String(today.getFullYear()))
  await page.getByLabel('Headline').fill('Casey went back to school full time')
  await page.getByLabel('Education').check()
  await page.getByRole('button', { name: 'Add to the chronology' }).click()
  await shown(page.getByRole('heading', { name: 'Casey went back to school full time' }))
  await page.goto(`${app.baseUrl}/cases/${caseId}/chronology/print`)
  await shown(page.getByRole('cell', { name: 'Casey went back to school full time' }))
  await check(page, 'chronology-print')
  assert.deepEqual(log.violations.slice(before), [], `axe found problems:\n${log.violations.slice(before).join('\n')}`)
  assert.ok(log.checked.length >= 10)
})
