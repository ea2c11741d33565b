import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { type Browser, chromium, type Locator, type Page } from 'playwright-core'

/** Debian's Chromium, driven by playwright-core, with axe-core injected into every page checked. */
export const CHROMIUM = '/usr/bin/chromium'
export const skip = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM}: browser tests skipped`
if (skip && process.env.CI) throw new Error(`Chromium is required in CI (${CHROMIUM})`)

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

export async function launchBrowser(): Promise<Browser> {
  mkdirSync('test-results/screens', { recursive: true })
  return chromium.launch({
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
}

/** Waits for something to be on the page (after a click, the next page may still be loading). */
export async function shown(locator: Locator) {
  await locator.waitFor({ state: 'visible', timeout: 15_000 })
}

/** What axe found on the pages checked so far, and which pages those were. */
export interface AxeLog {
  violations: string[]
  checked: string[]
}

export function axeLog(): AxeLog {
  return { violations: [], checked: [] }
}

/**
 * Runs axe (WCAG 2.2 AA) on the page, and screenshots it into test-results/screens for a person to
 * look at — except in CI, where nobody would, and a screenshot of every page checked is a third of
 * the time the browser tests take.
 */
export async function check(log: AxeLog, page: Page, name: string) {
  if (!process.env.CI) await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true })
  await page.evaluate(axeSource)
  const result = (await page.evaluate(
    (tags) =>
      (globalThis as unknown as { axe: { run: (c: unknown) => Promise<unknown> } }).axe.run({
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      }),
    WCAG,
  )) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }
  for (const v of result.violations) {
    log.violations.push(
      `${name}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    )
  }
  log.checked.push(name)
}

/** Signs in through the sign-in page. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string) {
  await page.goto(`${baseUrl}/sign-in`)
  await page.getByLabel('Email address').fill(email)
  await page.getByRole('textbox', { name: 'Password' }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${baseUrl}/`)
}
