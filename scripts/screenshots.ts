/**
 * The README's screenshots, taken from the running app: Hearth on a fresh, temporary embedded
 * database (never ./data), filled by `hearth demo`, then one service's families photographed at
 * each stage of a case, signed in as the demo users. Every page is checked with axe (WCAG 2.2 AA)
 * and the script fails if any has a violation.
 *
 *   npx tsx scripts/screenshots.ts            all of them, into docs/screenshots/
 *   npx tsx scripts/screenshots.ts plan review  only those whose names contain these words
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { DEMO_EMAIL_DOMAIN, type DemoStage, type DemoStory, runDemo } from '../src/cli/demo.ts'
import { shippedProgrammes } from '../src/services/index.ts'
import { startTestApp } from '../test/helpers/app.ts'
import { axeLog, check, launchBrowser, signIn } from '../test/helpers/browser.ts'

/** The service whose story the README tells: its 12 weeks, step-down and Family Action Plan make the clearest one. */
const PROGRAMME = 'lewisham-safer-stronger'
const SEED = 1
const WIDTH = 1280
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'docs/screenshots')

type Who = 'public' | 'manager' | 'worker'

interface Shot {
  name: string
  who: Who
  /** The page, given the demo's families of the service by stage. */
  path(family: (stage: DemoStage) => DemoStory, find: Finder): Promise<string> | string
  /** Where the picture starts: a heading (or other words) on the page; the top of the page if left out. */
  from?: string | RegExp
  /** Tallest the picture may be: cut there (the rest of the page if it is shorter). */
  height: number
}

/** Looks up what a page needs from the demo's records (a plan's id, a review's id…), as the person signed in would see it. */
type Finder = Awaited<ReturnType<typeof finders>>

/** A page of the case of the service's family at `stage`: `page` is the part after `/cases/:caseId`. */
function onCase(stage: DemoStage, page: (caseId: string, find: Finder) => Promise<string> | string = () => '') {
  return async (family: (stage: DemoStage) => DemoStory, find: Finder) => {
    const caseId = family(stage).caseId as string
    return `/cases/${caseId}${await page(caseId, find)}`
  }
}

const SHOTS: Shot[] = [
  { name: '01-referral-form', who: 'public', path: () => '/refer', height: 1000 },
  { name: '02-referrals', who: 'manager', path: () => '/referrals', height: 1000 },
  {
    name: '03-referral-screening',
    who: 'manager',
    path: (family) => `/referrals/${family('referred').referralId}`,
    from: 'Screening',
    height: 1000,
  },
  {
    name: '04-referral-decision',
    who: 'manager',
    path: (family) => `/referrals/${family('referred').referralId}/decision`,
    height: 1000,
  },
  { name: '05-my-work', who: 'worker', path: () => '/work', height: 1100 },
  { name: '06-case-overview', who: 'worker', path: onCase('working'), height: 1500 },
  {
    name: '07-assessment',
    who: 'worker',
    path: onCase('working', () => '/assessment'),
    from: /^Latest assessment: completed/,
    height: 1180,
  },
  { name: '08-plan', who: 'worker', path: onCase('working', () => '/plan'), height: 1700 },
  {
    name: '09-plan-family-copy',
    who: 'worker',
    path: onCase('working', async (id, find) => `/plan/${await find.planId(id)}/family-copy`),
    height: 1300,
  },
  { name: '10-contacts', who: 'worker', path: onCase('working', () => '/contacts'), height: 1400 },
  {
    name: '11-contact',
    who: 'worker',
    path: onCase('working', async (id, find) => `/contacts/${await find.contactId(id)}`),
    height: 1100,
  },
  {
    name: '12-review',
    who: 'worker',
    path: onCase('stepping-down', async (id, find) => `/reviews/${await find.reviewId(id)}`),
    height: 1500,
  },
  { name: '13-progress', who: 'worker', path: onCase('closed', () => '/progress'), height: 1420 },
  {
    name: '14-measures',
    who: 'worker',
    path: onCase('closed', () => '/progress'),
    from: 'The service’s measures',
    height: 1250,
  },
  { name: '15-closure-sign-off', who: 'manager', path: onCase('closing', () => '/closure/sign-off'), height: 2080 },
  { name: '16-closure', who: 'worker', path: onCase('closed', () => '/closure'), height: 2500 },
  {
    name: '17-follow-up',
    who: 'worker',
    path: onCase('closed', async (id, find) => `/closure/follow-ups/${await find.followUpId(id, 6)}`),
    height: 1050,
  },
]

async function finders(app: Awaited<ReturnType<typeof startTestApp>>, worker: { authorityId: string; userId: string }) {
  const ctx = {
    actor: {
      type: 'user' as const,
      authorityId: worker.authorityId,
      userId: worker.userId,
      role: 'practitioner' as const,
    },
  }
  const { services } = app
  return {
    async planId(caseId: string) {
      const plans = await services.plans.list(ctx, caseId)
      return plans.family.inForce?.id ?? plans.family.draft?.id
    },
    /** The latest significant contact (an out-of-hours visit, say), or the latest of all. */
    async contactId(caseId: string) {
      const { contacts } = await services.contacts.list(ctx, caseId)
      return (contacts.find((c) => c.row.significant) ?? contacts[0])?.row.id
    },
    async reviewId(caseId: string) {
      const { reviews } = await services.reviews.list(ctx, caseId)
      return reviews.find((r) => r.decision !== 'continue')?.id ?? reviews[0]?.id
    },
    async followUpId(caseId: string, months: number) {
      return (await services.closures.followUps(ctx, caseId)).find((f) => f.months === months)?.id
    },
  }
}

async function main() {
  const only = process.argv.slice(2)
  // Assets as `npm start` serves them.
  await import('./build-assets.ts')
  // Always the embedded database, in memory: a fresh one, thrown away at the end.
  delete process.env.DATABASE_URL
  const app = await startTestApp()
  const browser = await launchBrowser()
  const log = axeLog()
  try {
    const started = Date.now()
    const demo = await runDemo(
      app.db.database,
      app.config,
      shippedProgrammes(),
      { seed: SEED, force: false },
      {
        err: () => {},
      },
    )
    process.stdout.write(`The demo filled a fresh database in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
    const family = (stage: DemoStage) => {
      const found = demo.stories.find((s) => s.programmeId === PROGRAMME && s.stage === stage)
      if (!found) throw new Error(`The demo has no ${PROGRAMME} family at the ${stage} stage`)
      return found
    }
    const workerAccount = await app.services.auth.findByEmail(`worker@${DEMO_EMAIL_DOMAIN}`)
    if (!workerAccount) throw new Error('The demo key worker is missing')
    const find = await finders(app, { authorityId: workerAccount.authority_id, userId: workerAccount.user_id })

    mkdirSync(out, { recursive: true })
    // A full run replaces every picture, so none is left over from an older list.
    if (only.length === 0) for (const file of readdirSync(out)) if (file.endsWith('.png')) rmSync(path.join(out, file))
    const pages = new Map<Who, Page>()
    const pageFor = async (who: Who) => {
      let page = pages.get(who)
      if (!page) {
        const context = await browser.newContext({ viewport: { width: WIDTH, height: 900 } })
        page = await context.newPage()
        if (who !== 'public') {
          await signIn(page, app.baseUrl, `${who}@${DEMO_EMAIL_DOMAIN}`, demo.password as string)
        }
        pages.set(who, page)
      }
      return page
    }

    for (const shot of SHOTS) {
      if (only.length > 0 && !only.some((word) => shot.name.includes(word))) continue
      const page = await pageFor(shot.who)
      const target = await shot.path(family, find)
      const response = await page.goto(`${app.baseUrl}${target}`)
      if (!response?.ok()) throw new Error(`${shot.name}: ${target} answered ${response?.status()}`)
      await check(log, page, `screenshot-${shot.name}`)
      const full = await page.evaluate(() => document.documentElement.scrollHeight)
      let top = 0
      if (shot.from) {
        const box = await page
          .getByText(shot.from, { exact: typeof shot.from === 'string' })
          .first()
          .boundingBox({ timeout: 5000 })
        if (!box) throw new Error(`${shot.name}: no heading "${shot.from}" on ${target}`)
        top = Math.max(0, Math.floor(box.y) - 30)
      }
      const height = Math.min(full - top, shot.height)
      await page.screenshot({
        path: path.join(out, `${shot.name}.png`),
        fullPage: true,
        clip: { x: 0, y: top, width: WIDTH, height },
      })
      process.stdout.write(`${shot.name}.png  ${target}  (${WIDTH}×${height}, from ${top} of ${full})\n`)
    }
  } finally {
    await browser.close()
    await app.close()
  }
  if (log.violations.length > 0) {
    process.stderr.write(`axe found problems:\n${log.violations.join('\n')}\n`)
    process.exitCode = 1
  } else {
    process.stdout.write(`axe: no violations on ${log.checked.length} pages\n`)
  }
}

await main()
