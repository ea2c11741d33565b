import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { after, before, test } from 'node:test'
import { type Browser, chromium, type Page } from 'playwright-core'
import { addUser, startTestApp, type TestApp } from '../helpers/app.ts'

/** In Chromium: first-run set-up, sign in, a forbidden page, sign out — and axe on every page seen. */
const CHROMIUM = '/usr/bin/chromium'
const skip = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM}: browser tests skipped`
if (skip && process.env.CI) throw new Error(`Chromium is required in CI (${CHROMIUM})`)

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

let app: TestApp
let browser: Browser
const violations: string[] = []
const checked: string[] = []

before(async () => {
  if (skip) return
  app = await startTestApp()
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
  mkdirSync('test-results/screens', { recursive: true })
})
after(async () => {
  if (skip) return
  await browser.close()
  await app.close()
})

async function check(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true })
  await page.evaluate(axeSource)
  const result = (await page.evaluate(
    (tags) =>
      (globalThis as unknown as { axe: { run: (c: unknown) => Promise<unknown> } }).axe.run({
        runOnly: { type: 'tag', values: tags },
      }),
    WCAG,
  )) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }
  for (const v of result.violations) {
    violations.push(`${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  }
  checked.push(name)
}

test('set up, sign in, a forbidden page, sign out — every page accessible', { skip }, async () => {
  const token = await app.services.setup.issueLink()
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${app.baseUrl}/setup/${token}`)
  await check(page, 'setup')
  await page.getByRole('button', { name: 'Set up Hearth' }).click()
  assert.ok(await page.getByText('There is a problem').isVisible())
  await check(page, 'setup-errors')
  await page.getByLabel('Name of your local authority').fill('Northshire County Council')
  await page.getByLabel('Your full name').fill('Ada Administrator')
  await page.getByLabel('Your work email address').fill('ada@example.org')
  await page.getByLabel('Choose a password').fill('a long synthetic password')
  await page.getByRole('button', { name: 'Set up Hearth' }).click()
  assert.ok(await page.getByText('Hearth is set up').isVisible())
  assert.ok(await page.getByText('Northshire County Council').isVisible())
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
  assert.ok(await page.getByText('You have signed out.').isVisible())
  await check(page, 'sign-in')
  await page.goto(`${app.baseUrl}/setup/${token}`)
  assert.ok(await page.getByText('This set-up link cannot be used').isVisible())
  await check(page, 'link-used')

  // The new practitioner chooses a password from their link, and cannot open admin pages.
  const pat = await (await browser.newContext()).newPage()
  await pat.goto(link)
  await check(pat, 'password')
  await pat.getByLabel('Password', { exact: true }).fill('another long password')
  await pat.getByLabel('Enter the password again').fill('another long password')
  await pat.getByRole('button', { name: 'Save password and sign in' }).click()
  await pat.goto(`${app.baseUrl}/admin/users`)
  assert.ok(await pat.getByRole('heading', { name: 'You do not have access to this page' }).isVisible())
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
  assert.ok(await page.getByText('Enter a correct email address and password').first().isVisible())
  await page.getByLabel('Password', { exact: true }).fill(person.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  assert.ok(await page.getByText(/You are signed in as Test commissioner/).isVisible())
  await context.close()
})
