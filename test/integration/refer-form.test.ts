import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'
import { WebClient } from '../helpers/client.ts'

let app: TestApp
let base: string

before(async () => {
  app = await startTestApp({ env: { REFERRAL_RATE_LIMIT: '1000' }, clock: () => new Date('2026-11-23T10:00:00Z') })
  const { authorityId } = await setUpAuthority(app.services)
  base = `/refer/${authorityId}`
})
after(() => app.close())

/** Walks the public form as a parent would, without JavaScript. */
async function referAsParent(client: WebClient, child: Record<string, string>) {
  await client.post(`${base}/who`, { referrerType: 'parent' })
  await client.post(`${base}/about-you`, { name: 'Pat Parent', email: 'pat@example.org' })
  await client.post(`${base}/service`, { programmeId: 'lewisham-safer-stronger' })
  return client.post(`${base}/child/new`, child, `${base}/child/new`)
}

describe('the public referral form', () => {
  test('/refer goes straight to the only authority’s form, and an unknown authority is not found', async () => {
    const client = new WebClient(app.baseUrl)
    const response = await client.get('/refer')
    assert.equal(response.status, 303)
    assert.equal(response.headers.get('location'), base)
    assert.equal((await client.get('/refer/00000000-0000-4000-8000-000000000000/who')).status, 404)
  })

  test('a parent refers their family, and gets a reference; the manager sees the referral', async () => {
    const client = new WebClient(app.baseUrl)
    const saved = await referAsParent(client, {
      givenName: 'Robin',
      familyName: 'Example',
      born: 'yes',
      'dateOfBirth-day': '9',
      'dateOfBirth-month': '9',
      'dateOfBirth-year': '2016',
    })
    assert.equal(saved.status, 303)
    await client.post(`${base}/children`, {})
    await client.post(`${base}/adults`, {})
    await client.post(`${base}/address`, { postcode: 'se6 4ru' })
    await client.post(`${base}/happening`, {
      indicators: 'parental-conflict',
      whatIsHappening: 'We argue every morning.',
    })
    await client.post(`${base}/hopes`, { hopedChange: 'Calmer mornings.' })
    await client.post(`${base}/consent`, { familyAgreed: 'yes', sharingAgreed: 'yes', givenBy: 'Me and my partner' })
    const check = await (await client.get(`${base}/check`)).text()
    assert.match(check, /Robin Example, born 9 September 2016/)
    assert.match(check, /SE6 4RU/)
    const sent = await client.post(`${base}/check`, {})
    assert.equal(sent.status, 303)
    const confirmation = await (await client.get(`${base}/sent`)).text()
    const reference = /HRT-2026-\d{6}/.exec(confirmation)?.[0]
    assert.ok(reference)
    // The answers are gone from the session once sent.
    assert.doesNotMatch(await (await client.get(`${base}/check`)).text(), /Robin/)
  })

  test('a child born in the future and a due date too far ahead are refused on the page, answers kept', async () => {
    const client = new WebClient(app.baseUrl)
    const future = await referAsParent(client, {
      givenName: 'Sky',
      familyName: 'Example',
      born: 'yes',
      'dateOfBirth-day': '1',
      'dateOfBirth-month': '1',
      'dateOfBirth-year': '2027',
    })
    assert.equal(future.status, 400)
    const html = await future.text()
    assert.match(html, /There is a problem/)
    assert.match(html, /href="#dateOfBirth-day">The child’s date of birth must be on or before 23 November 2026/)
    assert.match(html, /name="givenName" type="text" spellcheck="false" value="Sky"/)
    const due = await client.post(`${base}/child/new`, {
      givenName: 'Baby',
      familyName: 'Example',
      born: 'no',
      'expectedDueDate-day': '1',
      'expectedDueDate-month': '1',
      'expectedDueDate-year': '2028',
    })
    assert.equal(due.status, 400)
    assert.match(await due.text(), /The expected due date must be no later than/)
  })

  test('a form filled in by a robot is not sent', async () => {
    const client = new WebClient(app.baseUrl)
    const before = (
      await app.services.referrals.list({ actor: { type: 'cli', authorityId: base.split('/')[2] as string } })
    ).length
    const response = await client.post(`${base}/check`, { website: 'http://spam.example' })
    assert.equal(response.status, 400)
    const after = (
      await app.services.referrals.list({ actor: { type: 'cli', authorityId: base.split('/')[2] as string } })
    ).length
    assert.equal(after, before)
  })

  test('whatever is typed into any page: never a server error, and nothing comes back unescaped', async () => {
    const client = new WebClient(app.baseUrl)
    const csrf = await client.csrfToken(`${base}/who`)
    const pages = [
      'who',
      'about-you',
      'service',
      'child/new',
      'adult/new',
      'address',
      'happening',
      'hopes',
      'consent',
      'check',
    ]
    const fields = [
      'referrerType',
      'name',
      'organisation',
      'role',
      'email',
      'phone',
      'programmeId',
      'givenName',
      'familyName',
      'born',
      'dateOfBirth-day',
      'dateOfBirth-month',
      'dateOfBirth-year',
      'expectedDueDate-day',
      'nhsNumber',
      'relationship',
      'address',
      'postcode',
      'indicators',
      'whatIsHappening',
      'hopedChange',
      'familyAgreed',
      'sharingAgreed',
      'givenBy',
      'reasonWithoutConsent',
      'from',
    ]
    const nasty = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '<script>alert(1)</script>',
        '"><img src=x onerror=alert(1)>',
        '{{ 7*7 }}',
        '\u0000',
        '9'.repeat(200),
        '-1',
        '31',
        '2027',
      ),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...pages),
        fc.dictionary(fc.constantFrom(...fields), nasty, { maxKeys: 8 }),
        async (page, values) => {
          const response = await client.post(`${base}/${page}`, { ...values, _csrf: csrf })
          const html = await response.text()
          assert.ok(response.status < 500, `${page} answered ${response.status}`)
          assert.doesNotMatch(html, /<script>alert\(1\)<\/script>|<img src=x onerror/)
        },
      ),
      { numRuns: 150 },
    )
  })
})
