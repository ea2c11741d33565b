import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import { loadConfig } from '../../src/config.ts'
import { queryRows } from '../../src/db/client.ts'
import { appUser, auditEvent, team } from '../../src/db/schema/index.ts'
import { verifyAuditChain } from '../../src/services/audit.ts'
import { InvalidInputError } from '../../src/services/errors.ts'
import { createServices, type Services } from '../../src/services/index.ts'
import { addUser, setUpAuthority } from '../helpers/app.ts'
import { rejectsWith } from '../helpers/assert.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts'

let db: TestDatabase
let services: Services
let northshire: { authorityId: string; userId: string }
let westshire: string

before(async () => {
  db = await createTestDatabase()
  services = createServices(db.database, () => new Date(), loadConfig({ NODE_ENV: 'test' }))
  northshire = await setUpAuthority(services)
  westshire = await services.setup.createAuthority('Westshire Council')
  await addUser(services, northshire.authorityId, 'practitioner')
  await addUser(services, westshire, 'practitioner')
})
after(() => db.close())

describe('tenancy', () => {
  test('every table with an authority_id has row-level security and a tenant policy', async () => {
    const rows = await db.database.asOwner((tx) =>
      queryRows<{ table: string; secured: boolean; policies: number }>(
        tx,
        sql`SELECT c.relname AS table, c.relrowsecurity AS secured,
                   (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation') AS policies
            FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE c.relkind = 'r' AND a.attname = 'authority_id' AND c.relnamespace = 'public'::regnamespace`,
      ),
    )
    assert.ok(rows.length >= 10)
    for (const row of rows) {
      assert.equal(row.secured, true, `${row.table} has row-level security`)
      assert.equal(row.policies, 1, `${row.table} has a tenant_isolation policy`)
    }
  })

  test('a query that forgets the authority gets zero rows (row-level security)', async () => {
    const unscoped = await db.database.db.select().from(appUser)
    assert.equal(unscoped.length, 0)
    const raw = await queryRows(db.database.db, sql`SELECT * FROM app_user`)
    assert.equal(raw.length, 0)
  })

  test('each authority sees only its own people', async () => {
    const north = await db.database.withTenant(northshire.authorityId, (tx) => tx.select().from(appUser))
    const west = await db.database.withTenant(westshire, (tx) => tx.select().from(appUser))
    assert.equal(north.length, 2)
    assert.equal(west.length, 1)
    assert.ok(north.every((u) => u.authorityId === northshire.authorityId))
    assert.ok(west.every((u) => u.authorityId === westshire))
  })

  test('writing a row for another authority is refused', async () => {
    await rejectsWith(
      db.database.withTenant(northshire.authorityId, (tx) =>
        tx
          .insert(team)
          .values({ authorityId: westshire, id: crypto.randomUUID(), name: 'Intruders', createdAt: new Date() }),
      ),
      /row-level security/,
    )
  })

  test('the application runs as hearth_app, which is neither superuser nor exempt from row-level security', async () => {
    const [me] = await queryRows<{ current_user: string }>(db.database.db, sql`SELECT current_user`)
    assert.equal(me.current_user, 'hearth_app')
    const [role] = await queryRows<{ rolsuper: boolean; rolbypassrls: boolean }>(
      db.database.db,
      sql`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`,
    )
    assert.deepEqual(role, { rolsuper: false, rolbypassrls: false })
  })
})

describe('audit', () => {
  test('every change writes an event in the same transaction; a failed change writes neither', async () => {
    const ctx = {
      actor: { type: 'user' as const, authorityId: northshire.authorityId, userId: northshire.userId },
      requestId: 'req-1',
    }
    const count = async () =>
      (await db.database.withTenant(northshire.authorityId, (tx) => tx.select().from(auditEvent))).length
    const before = await count()
    const { id } = await services.teams.create(ctx, { name: 'Edge of Care North' })
    const events = await db.database.withTenant(northshire.authorityId, (tx) =>
      tx.select().from(auditEvent).where(eq(auditEvent.recordId, id)),
    )
    assert.equal(events.length, 1)
    assert.equal(events[0].action, 'create')
    assert.equal(events[0].requestId, 'req-1')
    assert.equal(events[0].actorId, northshire.userId)
    const afterCreate = await count()
    await assert.rejects(services.teams.create(ctx, { name: 'edge of care north' }), InvalidInputError)
    assert.equal(await count(), afterCreate, 'a refused change leaves no audit event')
    assert.equal(afterCreate, before + 1)
  })

  test('reads of personal data are audited too', async () => {
    const ctx = { actor: { type: 'user' as const, authorityId: northshire.authorityId, userId: northshire.userId } }
    await services.users.get(ctx, northshire.userId)
    const [latest] = await db.database.withTenant(northshire.authorityId, (tx) => services.audit.recent(tx, 1))
    assert.equal(latest.action, 'view')
    assert.equal(latest.recordType, 'user')
    assert.equal(latest.recordId, northshire.userId)
  })

  test('the application cannot change or delete audit events', async () => {
    await rejectsWith(
      db.database.withTenant(northshire.authorityId, (tx) => tx.update(auditEvent).set({ action: 'view' })),
      /permission denied/,
    )
    await rejectsWith(
      db.database.withTenant(northshire.authorityId, (tx) => tx.delete(auditEvent)),
      /permission denied/,
    )
  })

  test('even the table owner cannot update, delete or truncate them (trigger)', async () => {
    for (const statement of [
      sql`UPDATE audit_event SET action = 'view'`,
      sql`DELETE FROM audit_event`,
      sql`TRUNCATE audit_event`,
    ]) {
      await rejectsWith(
        db.database.asOwner((tx) => tx.execute(statement)),
        /append-only/,
      )
    }
  })

  test('the hash chain verifies, and detects an event altered behind the trigger', async () => {
    const intact = await verifyAuditChain(db.database)
    assert.deepEqual(intact.problems, [])
    assert.equal(intact.authorities, 2)
    assert.ok(intact.events >= 6)

    await db.database.asOwner(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`)
      await tx.execute(
        sql`UPDATE audit_event SET action = 'view' WHERE seq = 2 AND authority_id = ${northshire.authorityId}`,
      )
      await tx.execute(sql`DELETE FROM audit_event WHERE seq = 1 AND authority_id = ${westshire}`)
      await tx.execute(sql`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`)
    })
    const broken = await verifyAuditChain(db.database)
    assert.deepEqual(
      broken.problems.map((p) => [p.authorityId, p.seq]),
      [
        [northshire.authorityId, 2],
        [westshire, 2],
      ],
    )
    assert.match(broken.problems[0].problem, /changed after it was written/)
    assert.match(broken.problems[1].problem, /missing/)
  })
})
