import { randomUUID } from 'node:crypto'
import { plan, planGoal } from '../../src/db/schema/index.ts'
import type { Services } from '../../src/services/index.ts'

/**
 * An agreed Family Action Plan with goals, written straight into the database: for tests of
 * what hangs off a plan's goals (scaling, reviews) without going through the plan pages.
 */
export async function agreedPlan(
  services: Services,
  authorityId: string,
  caseId: string,
  createdBy: string,
  goals: { need: string; outcome: string; headlineOutcome?: number }[],
): Promise<{ planId: string; goalIds: string[] }> {
  const planId = randomUUID()
  const goalIds = goals.map(() => randomUUID())
  await services.database.withTenant(authorityId, async (tx) => {
    await tx.insert(plan).values({
      authorityId,
      caseId,
      id: planId,
      kind: 'family-action',
      edition: 1,
      status: 'agreed',
      summary: 'Synthetic: what the family is working towards.',
      agreedOn: '2026-01-12',
      agreedWith: 'The Testfamily parents',
      createdBy,
      createdAt: new Date('2026-01-12T12:00:00Z'),
    })
    for (const [i, goal] of goals.entries()) {
      await tx.insert(planGoal).values({
        authorityId,
        caseId,
        planId,
        id: goalIds[i] as string,
        position: i + 1,
        need: goal.need,
        outcome: goal.outcome,
        headlineOutcome: goal.headlineOutcome ?? null,
      })
    }
  })
  return { planId, goalIds }
}
