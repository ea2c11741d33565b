import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { SMTPServer } from 'smtp-server'
import { auditEvent, notification } from '../../src/db/schema/index.ts'
import { govukNotifyNotifier, type Notifier, smtpNotifier } from '../../src/notify/notifier.ts'
import type { RequestContext } from '../../src/services/context.ts'
import { RETRY_MINUTES } from '../../src/services/notifications.ts'
import { referralInputSchema } from '../../src/services/referralInput.ts'
import { setUpAuthority, startTestApp, type TestApp } from '../helpers/app.ts'

/** A real SMTP server on loopback that keeps what it receives, and can be told to refuse. */
const received: { to: string[]; raw: string }[] = []
let refuse = false
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onRcptTo(address, _session, callback) {
    if (refuse) return callback(new Error(`Mailbox unavailable for ${address.address}`))
    callback()
  },
  onData(stream, session, callback) {
    let raw = ''
    stream.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8')
    })
    stream.on('end', () => {
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw })
      callback()
    })
  },
})

let app: TestApp
let authorityId: string
let now = new Date('2026-11-23T10:00:00Z')
let notifier: Notifier

before(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  const port = (smtp.server.address() as AddressInfo).port
  notifier = smtpNotifier(`smtp://127.0.0.1:${port}`, 'Hearth <hearth@example.org>')
  app = await startTestApp({ clock: () => now, notifier })
  authorityId = (await setUpAuthority(app.services)).authorityId
})
after(async () => {
  notifier.close?.()
  await app.close()
  await new Promise<void>((resolve) => smtp.close(() => resolve()))
})

const publicForm = (): RequestContext => ({ actor: { type: 'public', authorityId } })

async function refer() {
  const input = referralInputSchema.parse({
    programmeId: 'lewisham-safer-stronger',
    referrer: { type: 'parent', name: 'Pat Parent', email: 'pat.parent@example.org' },
    children: [{ givenName: 'Robin', familyName: 'Example', dateOfBirth: '2016-09-09' }],
    whatIsHappening: 'Robin is not going to school and we argue about it every morning.',
    consent: { familyAgreed: true, sharingAgreed: true },
  })
  return app.services.referrals.create(
    publicForm(),
    input,
    'public-parent',
    await app.services.programmes.calendar(publicForm()),
  )
}

async function stored(referralId: string) {
  return app.db.database.withTenant(authorityId, (tx) =>
    tx.select().from(notification).where(eq(notification.referralId, referralId)),
  )
}

describe('telling the referrer by email', () => {
  test('the acknowledgement reaches the SMTP server with the reference and nothing sensitive', async () => {
    const { id, reference } = await refer()
    const result = await app.services.notifications.deliverDue()
    assert.equal(result.sent, 1)
    const message = received.at(-1)
    assert.deepEqual(message?.to, ['pat.parent@example.org'])
    assert.match(message?.raw ?? '', new RegExp(`Subject: We have received your referral ${reference}`))
    assert.doesNotMatch(message?.raw ?? '', /Robin|school/)
    assert.equal((await stored(id))[0]?.status, 'sent')
  })

  test('a refused send keeps the referral, retries later, and after the last try shows as not sent', async () => {
    refuse = true
    const { id } = await refer()
    await app.services.notifications.deliverDue()
    let [message] = await stored(id)
    assert.equal(message?.status, 'pending')
    assert.equal(message?.attempts, 1)
    assert.match(message?.lastError ?? '', /Mailbox unavailable/)
    assert.doesNotMatch(message?.lastError ?? '', /pat\.parent@example\.org/)
    // Nothing is tried again before its time.
    assert.deepEqual(await app.services.notifications.deliverDue(), { sent: 0, failed: 0, waiting: 0 })
    for (const minutes of RETRY_MINUTES) {
      now = new Date(now.getTime() + (minutes + 1) * 60_000)
      await app.services.notifications.deliverDue()
    }
    ;[message] = await stored(id)
    assert.equal(message?.status, 'failed')
    assert.equal(message?.attempts, RETRY_MINUTES.length)
    const got = await app.services.referrals.get({ actor: { type: 'cli', authorityId } }, id)
    assert.equal(got.row.status, 'new')

    // A manager tries again once the mailbox works.
    refuse = false
    await app.services.notifications.retry({ actor: { type: 'cli', authorityId } }, message?.id as string)
    await app.services.notifications.deliverDue()
    assert.equal((await stored(id))[0]?.status, 'sent')
    const audited = await app.db.database.withTenant(authorityId, (tx) =>
      tx
        .select()
        .from(auditEvent)
        .where(eq(auditEvent.recordId, message?.id as string)),
    )
    assert.equal(audited[0]?.recordType, 'notification')
  })
})

describe('GOV.UK Notify', () => {
  test('sends the message to the template with a signed token', async () => {
    const serviceId = '11111111-2222-4333-8444-555555555555'
    const secret = '66666666-7777-4888-9999-000000000000'
    const calls: { authorization: string; body: Record<string, unknown> }[] = []
    const stub = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => {
        body += c.toString()
      })
      req.on('end', () => {
        calls.push({ authorization: req.headers.authorization ?? '', body: JSON.parse(body) })
        res.writeHead(req.url === '/v2/notifications/email' ? 201 : 404, { 'content-type': 'application/json' })
        res.end('{}')
      })
    })
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`
    const notify = govukNotifyNotifier(
      `hearth_test-${serviceId}-${secret}`,
      'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      base,
    )
    await notify.send({ to: 'sam@example.org', subject: 'Subject', body: 'Body', reference: 'ref-1' })
    stub.close()
    const [call] = calls
    assert.deepEqual(call?.body, {
      email_address: 'sam@example.org',
      template_id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      personalisation: { subject: 'Subject', body: 'Body' },
      reference: 'ref-1',
    })
    const [header, payload, signature] = (call?.authorization ?? '').replace('Bearer ', '').split('.')
    assert.equal(createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url'), signature)
    assert.equal(JSON.parse(Buffer.from(payload as string, 'base64url').toString()).iss, serviceId)
  })
})
