import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { addUser, startTestApp, type TestApp } from '../helpers/app.ts'
import { axeLog, check as checkPage, launchBrowser, shown, skip } from '../helpers/browser.ts'

/** In Chromium: first-run set-up, sign in, a forbidden page, sign out — and axe on every page seen. */

let app: TestApp
let browser: Browser
const log = axeLog()
const { violations, checked } = log

before(async () => {
  if (skip) return
  app = await startTestApp()
  browser = await launchBrowser()
})
after(async () => {
  if (skip) return
  await browser.close()
  await app.close()
})

const check = (page: Page, name: string) => checkPage(log, page, name)

test('set up, sign in, a forbidden page, sign out — every page accessible', { skip }, async () => {
  const token = await app.services.setup.issueLink()
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${app.baseUrl}/setup/${token}`)
  await check(page, 'setup')
  await page.getByRole('button', { name: 'Set up Hearth' }).click()
  await shown(page.getByText('There is a problem'))
  await check(page, 'setup-errors')
  await page.getByLabel('Name of your local authority').fill('Northshire County Council')
  await page.getByLabel('Your full name').fill('Ada Administrator')
  await page.getByLabel('Your work email address').fill('ada@example.org')
  await page.getByLabel('Choose a password').fill('a long synthetic password')
  await page.getByRole('button', { name: 'Set up Hearth' }).click()
  await shown(page.getByText('Hearth is set up'))
  await shown(page.getByText('Northshire County Council'))
  await check(page, 'home')

  for (const [path, name] of [
    ['/admin/teams', 'teams'],
    ['/admin/teams/new', 'team-new'],
    ['/admin/users', 'users'],
    ['/admin/users/new', 'user-new'],
    ['/account/tokens', 'tokens'],
    ['/account/tokens/new', 'token-new'],
    ['/accessibility', 'accessibility'],
    ['/cookies', 'cookies'],
    ['/no-such-page', 'not-found'],
  ]) {
    await page.goto(`${app.baseUrl}${path}`)
    await check(page, name)
  }
  await page.goto(`${app.baseUrl}/admin/users/new`)
  await page.getByRole('button', { name: 'Add user' }).click()
  await check(page, 'user-new-errors')
  await page.getByLabel('Full name').fill('Pat Practitioner')
  await page.getByLabel('Work email address').fill('pat@example.org')
  await page.getByLabel('Practitioner').check()
  await page.getByRole('button', { name: 'Add user' }).click()
  const link = (await page.locator('#password-link').textContent())?.trim() as string
  await check(page, 'user-created')
  await page.getByRole('link', { name: 'Go to their account' }).click()
  await check(page, 'user')
  await page.getByRole('link', { name: /Change/ }).click()
  await check(page, 'user-edit')
  await page.goto(`${app.baseUrl}/account/tokens/new`)
  await page.getByLabel('What will this token be used for?').fill('export')
  await page.getByRole('button', { name: 'Create token' }).click()
  await check(page, 'token-created')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await shown(page.getByText('You have signed out.'))
  await check(page, 'sign-in')
  await page.goto(`${app.baseUrl}/setup/${token}`)
  await shown(page.getByText('This set-up link cannot be used'))
  await check(page, 'link-used')

  // The new practitioner chooses a password from their link, and cannot open admin pages.
  const pat = await (await browser.newContext()).newPage()
  await pat.goto(link)
  await check(pat, 'password')
  await pat.getByLabel('Password', { exact: true }).fill('another long password')
  await pat.getByLabel('Enter the password again').fill('another long password')
  await pat.getByRole('button', { name: 'Save password and sign in' }).click()
  await pat.goto(`${app.baseUrl}/admin/users`)
  await shown(pat.getByRole('heading', { name: 'You do not have access to this page' }))
  await check(pat, 'forbidden')
  await context.close()
  assert.deepEqual(violations, [], `axe found problems:\n${violations.join('\n')}`)
  assert.ok(checked.length >= 20)
})

test('signing in works without JavaScript, and errors are summarised', { skip }, async () => {
  const person = await addUser(
    app.services,
    (await app.services.auth.findByEmail('ada@example.org'))?.authority_id as string,
    'commissioner',
  )
  const context = await browser.newContext({ javaScriptEnabled: false })
  const page = await context.newPage()
  await page.goto(`${app.baseUrl}/sign-in`)
  await page.getByLabel('Email address').fill(person.email)
  await page.getByLabel('Password', { exact: true }).fill('wrong password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await shown(page.getByText('Enter a correct email address and password').first())
  await page.getByLabel('Password', { exact: true }).fill(person.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await shown(page.getByText(/You are signed in as Test commissioner/))
  await context.close()
})

test('services: read a service, check which fits a family, and change settings — every page accessible', {
  skip,
}, async () => {
  const authorityId = (await app.services.auth.findByEmail('ada@example.org'))?.authority_id as string
  const worker = await addUser(app.services, authorityId, 'practitioner')
  const before = violations.length
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${app.baseUrl}/sign-in`)
  await page.getByLabel('Email address').fill(worker.email)
  await page.getByLabel('Password', { exact: true }).fill(worker.password)
  await page.getByRole('button', { name: 'Sign in' }).click()

  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Services' }).click()
  // The first authority on an installation runs all five services.
  for (const name of [
    'STARS',
    'Staying Together',
    'Staying Together Team',
    'Stronger Families Team',
    'Safer Stronger Families',
  ]) {
    await shown(page.getByRole('link', { name: new RegExp(`^${name}`) }).first())
  }
  await check(page, 'services')
  for (const id of [
    'tameside-stars',
    'staying-together',
    'derby-staying-together',
    'derbyshire-stronger-families',
    'lewisham-safer-stronger',
  ]) {
    await page.goto(`${app.baseUrl}/services/${id}`)
    await shown(page.getByRole('img', { name: 'Timeline in weeks from the start of support' }))
    await shown(page.getByRole('table', { name: 'The timeline as a table' }))
    await check(page, `service-${id}`)
  }
  await page.goto(`${app.baseUrl}/services/derby-staying-together`)
  await shown(page.getByText('We read "within 5 days" as 5 working days after the home visit').first())

  await page.goto(`${app.baseUrl}/services/check`)
  await check(page, 'check')
  await page.getByLabel('Child 1').fill('7')
  await page.getByLabel('Child 2').fill('1 1 2030')
  await page.getByLabel('How many children have been removed from either parent before?').fill('-1')
  await page.getByRole('button', { name: 'Check services' }).click()
  await shown(page.getByText('There is a problem'))
  await shown(page.getByRole('link', { name: /date of birth must be on or before/ }))
  await check(page, 'check-errors')
  // Nothing typed is lost.
  assert.equal(await page.getByLabel('Child 1').inputValue(), '7')
  await page.getByLabel('Child 2').fill('')
  await page.getByLabel('How many children have been removed from either parent before?').fill('0')
  await page.getByLabel('Child 1').fill('9')
  await page.getByLabel('Level 3: targeted early help or complex needs').check()
  await page.getByLabel('Frequent missing episodes').check()
  await page.getByRole('button', { name: 'Check services' }).click()
  const first = page.locator('.govuk-summary-card').first()
  assert.equal((await first.locator('.govuk-summary-card__title').textContent())?.trim(), 'Staying Together Team')
  await shown(first.getByText('Appears eligible'))
  await shown(first.getByText('The child is 9 on'))
  await check(page, 'check-results')
  await context.close()

  // Without JavaScript the check works the same.
  const noScript = await (await browser.newContext({ javaScriptEnabled: false })).newPage()
  await noScript.goto(`${app.baseUrl}/sign-in`)
  await noScript.getByLabel('Email address').fill(worker.email)
  await noScript.getByLabel('Password', { exact: true }).fill(worker.password)
  await noScript.getByRole('button', { name: 'Sign in' }).click()
  await noScript.goto(`${app.baseUrl}/services/check`)
  await noScript.getByLabel('Child 1').fill('16')
  await noScript
    .getByRole('group', { name: /presenting as homeless/ })
    .getByLabel('Yes')
    .check()
  await noScript
    .getByRole('group', { name: /allocated social worker/ })
    .getByLabel('Yes')
    .check()
  await noScript.getByRole('button', { name: 'Check services' }).click()
  await shown(noScript.getByText('A young person aged 16 or 17 is presenting as homeless.'))

  // An administrator chooses services and adds a calendar change.
  const admin = await (await browser.newContext()).newPage()
  await admin.goto(`${app.baseUrl}/sign-in`)
  await admin.getByLabel('Email address').fill('ada@example.org')
  await admin.getByLabel('Password', { exact: true }).fill('a long synthetic password')
  await admin.getByRole('button', { name: 'Sign in' }).click()
  await admin.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Settings' }).click()
  await check(admin, 'settings-services')
  await admin.getByLabel(/STARS/).uncheck()
  await admin.getByRole('button', { name: 'Save services' }).click()
  await shown(admin.getByText('The services your authority runs have been saved.'))
  assert.equal(await admin.getByLabel(/STARS/).isChecked(), false)
  await admin.getByRole('link', { name: 'Working-day calendar' }).click()
  await check(admin, 'settings-calendar')
  await admin.getByRole('button', { name: 'Add change' }).click()
  await check(admin, 'settings-calendar-errors')
  await admin.getByLabel('Day', { exact: true }).fill('4')
  await admin.getByLabel('Month', { exact: true }).fill('6')
  await admin.getByLabel('Year', { exact: true }).fill('2029')
  await admin.getByLabel('Name of the day').fill('A proclaimed holiday')
  await admin.getByLabel('It is a holiday (not a working day)').check()
  await admin.getByRole('button', { name: 'Add change' }).click()
  await shown(admin.getByText('4 June 2029 has been added to the calendar.'))
  await admin.goto(`${app.baseUrl}/services`)
  await shown(admin.getByRole('heading', { name: 'Other service models in the library' }))

  assert.deepEqual(violations.slice(before), [], `axe found problems:\n${violations.slice(before).join('\n')}`)
})

test('the public referral form, with and without mistakes — every page accessible', { skip }, async () => {
  const before = violations.length
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${app.baseUrl}/refer`)
  await check(page, 'refer-start')
  await page.getByRole('button', { name: 'Start now' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()
  await shown(page.getByText('Select whether you are a professional or a parent or carer').first())
  await check(page, 'refer-who-errors')
  await page.getByLabel('A professional').check()
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()
  await check(page, 'refer-about-you-errors')
  await page.getByLabel('Full name').fill('Rita Referrer')
  await page.getByLabel('Organisation').fill('Northshire Primary School')
  await page.getByLabel('Your role').fill('Designated safeguarding lead')
  await page.getByLabel('Email address').fill('rita@example.org')
  await page.getByRole('button', { name: 'Continue' }).click()
  await check(page, 'refer-service')
  await page.getByRole('radio', { name: /^Staying Together Team/ }).check()
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()
  await shown(page.getByText('Add at least one child or unborn baby').first())
  await check(page, 'refer-children-errors')
  await page.getByRole('button', { name: 'Add a child' }).click()
  await page.getByLabel('First name').fill('Jordan')
  await page.getByLabel('Last name').fill('Ellis')
  await page.getByLabel('Yes').check()
  await page.locator('#dateOfBirth-day').fill('31')
  await page.locator('#dateOfBirth-month').fill('2')
  await page.locator('#dateOfBirth-year').fill('2014')
  await page.getByRole('button', { name: 'Save child' }).click()
  await shown(page.getByText('The child’s date of birth must be a real date').first())
  assert.equal(await page.getByLabel('First name').inputValue(), 'Jordan')
  await check(page, 'refer-child-errors')
  await page.locator('#dateOfBirth-day').fill('28')
  await page.getByRole('button', { name: 'Save child' }).click()
  await check(page, 'refer-children')
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByRole('button', { name: 'Add a parent or carer' }).click()
  await check(page, 'refer-adult')
  await page.getByLabel('First name').fill('Alex')
  await page.getByLabel('Last name').fill('Ellis')
  await page.getByLabel('Relationship to the children').fill('Father')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()
  await check(page, 'refer-address')
  await page.getByLabel('Postcode').fill('DE1 2FS')
  await page.getByRole('button', { name: 'Continue' }).click()
  await check(page, 'refer-happening')
  await page.getByLabel('Frequent missing episodes').check()
  await page
    .getByLabel('Tell us what is happening, in your own words')
    .fill('Jordan has been missing from home three times this month.')
  await page.getByRole('button', { name: 'Continue' }).click()
  await check(page, 'refer-hopes')
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()
  await check(page, 'refer-consent-errors')
  await page
    .getByRole('group', { name: /agreed to this referral/ })
    .getByLabel('Yes')
    .check()
  await page
    .getByRole('group', { name: /information about them/ })
    .getByLabel('Yes')
    .check()
  await page.getByLabel('If they agreed, who agreed?').fill('Alex Ellis')
  await page.getByRole('button', { name: 'Continue' }).click()
  await check(page, 'refer-check')
  await shown(page.getByText('Jordan Ellis, born 28 February 2014'))
  await page.getByRole('button', { name: 'Send referral' }).click()
  await shown(page.getByRole('heading', { name: 'Referral sent' }))
  assert.match((await page.locator('.govuk-panel__body').textContent()) ?? '', /HRT-\d{4}-\d{6}/)
  await check(page, 'refer-sent')
  await context.close()
  assert.deepEqual(violations.slice(before), [], `axe found problems:\n${violations.slice(before).join('\n')}`)
})

test('a team manager matches, screens, discusses and decides — every page accessible', { skip }, async () => {
  const authorityId = (await app.services.auth.findByEmail('ada@example.org'))?.authority_id as string
  const tm = await addUser(app.services, authorityId, 'team_manager')
  const before = violations.length
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${app.baseUrl}/sign-in`)
  await page.getByLabel('Email address').fill(tm.email)
  await page.getByLabel('Password', { exact: true }).fill(tm.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await shown(page.getByRole('heading', { name: 'Referrals' }))
  await check(page, 'manager-home')
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Referrals' }).click()
  await check(page, 'inbox')
  // The referral sent through the public form in the test before this one.
  await page.locator('tbody a').first().click()
  await check(page, 'referral')
  await page
    .getByRole('link', { name: /against people known/ })
    .first()
    .click()
  await check(page, 'match')
  await page.getByRole('button', { name: 'Save' }).click()
  await shown(page.getByText('Select the person this is, or say they are new').first())
  await check(page, 'match-errors')
  await page.getByLabel(/None of these/).check()
  await page.getByRole('button', { name: 'Save' }).click()
  while (await page.getByRole('link', { name: /against people known/ }).count()) {
    await page
      .getByRole('link', { name: /against people known/ })
      .first()
      .click()
    await page.getByLabel(/None of these/).check()
    await page.getByRole('button', { name: 'Save' }).click()
  }
  await page.getByText('Correct or add facts for screening').click()
  await page.getByLabel('Level 3: targeted early help or complex needs').check()
  await page.getByRole('button', { name: 'Save and screen again' }).click()
  await shown(page.getByText('The facts are saved and the screening has been run again.'))
  await check(page, 'referral-screened')
  await page.getByRole('button', { name: 'Record a case discussion' }).click()
  await check(page, 'discussion-new')
  await page.getByRole('button', { name: 'Save case discussion' }).click()
  await check(page, 'discussion-errors')
  await page.locator('#heldOn-day').fill('1')
  await page.locator('#heldOn-month').fill('1')
  await page.locator('#heldOn-year').fill('2026')
  await page
    .getByLabel('Who took part')
    .fill('Tess Manager, Staying Together Team Manager\nAnn Other, allocated team manager')
  for (const label of ['Presenting issues', 'Discussion of the criteria', 'Risks', 'What was decided']) {
    await page.getByLabel(label, { exact: true }).fill(`Synthetic: ${label.toLowerCase()}.`)
  }
  await page.getByRole('button', { name: 'Save case discussion' }).click()
  await shown(page.getByRole('heading', { name: 'Case discussion' }))
  await check(page, 'discussion')
  await page.getByRole('link', { name: 'Back to the referral' }).click()
  await page.getByRole('button', { name: 'Make a decision' }).click()
  await check(page, 'decision')
  await page.getByRole('button', { name: 'Record decision' }).click()
  await check(page, 'decision-errors')
  await page.getByRole('radio', { name: /^Accept/ }).check()
  await page.getByLabel('Rationale').fill('Synthetic: agreed at the case discussion.')
  await page.getByRole('button', { name: 'Record decision' }).click()
  await shown(page.getByText('The case is open and its timescales have started.'))
  await shown(page.getByRole('rowheader', { name: 'Home visit with the lead worker' }))
  await check(page, 'referral-accepted')
  await context.close()
  assert.deepEqual(violations.slice(before), [], `axe found problems:\n${violations.slice(before).join('\n')}`)
})
