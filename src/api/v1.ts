import { z } from 'zod'
import { ROLES } from '../domain/access.ts'
import type { Services } from '../services/index.ts'
import { newTeamSchema } from '../services/teams.ts'
import { newUserSchema, userChangeSchema } from '../services/users.ts'
import { type ApiRoute, apiRoute } from './routing.ts'

/** Schemas of what the API answers. Only these fields leave Hearth. */
const me = z
  .object({ id: z.uuid(), authorityId: z.uuid(), name: z.string(), role: z.enum(ROLES), teamId: z.uuid().nullable() })
  .meta({ id: 'Me' })

const team = z
  .object({ id: z.uuid(), name: z.string(), members: z.number().int(), createdAt: z.iso.datetime() })
  .meta({ id: 'Team' })

const user = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    teamId: z.uuid().nullable(),
    active: z.boolean(),
    locked: z.boolean(),
    hasPassword: z.boolean(),
    lastSignInAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    version: z.number().int().describe('Send it back when you change the user (optimistic locking)'),
  })
  .meta({ id: 'User' })

const created = z.object({ id: z.uuid() }).meta({ id: 'Created' })
const userCreated = created
  .extend({ passwordLink: z.url().describe('One-time link for the person to choose a password. Shown once.') })
  .meta({ id: 'UserCreated' })
const userIdParams = z.object({ userId: z.uuid() })

const iso = (d: Date | null) => (d ? d.toISOString() : null)
const problem = (description: string) => ({ description })

export function apiV1Routes(services: Services, links: { publicUrl: string }): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/me',
      access: 'home:view',
      summary: 'The person the token belongs to',
      tags: ['account'],
      responses: { 200: { description: 'You', schema: me } },
      handler: async ({ res }) => ({ status: 200, body: res.locals.user }),
    }),
    apiRoute({
      method: 'get',
      path: '/teams',
      access: 'teams:manage',
      summary: 'Teams in your authority',
      tags: ['administration'],
      responses: { 200: { description: 'Teams', schema: z.array(team) } },
      handler: async ({ ctx }) => ({
        status: 200,
        body: (await services.teams.list(ctx)).map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })),
      }),
    }),
    apiRoute({
      method: 'post',
      path: '/teams',
      access: 'teams:manage',
      summary: 'Create a team',
      tags: ['administration'],
      body: newTeamSchema,
      responses: { 201: { description: 'Created', schema: created }, 400: problem('Invalid fields') },
      handler: async ({ ctx, body }) => ({ status: 201, body: await services.teams.create(ctx, body) }),
    }),
    apiRoute({
      method: 'get',
      path: '/users',
      access: 'users:manage',
      summary: 'People with an account in your authority',
      tags: ['administration'],
      responses: { 200: { description: 'Users', schema: z.array(user) } },
      handler: async ({ ctx }) => ({ status: 200, body: (await services.users.list(ctx)).map(userBody) }),
    }),
    apiRoute({
      method: 'post',
      path: '/users',
      access: 'users:manage',
      summary: 'Add a user; answers with their one-time password link',
      tags: ['administration'],
      body: newUserSchema,
      responses: { 201: { description: 'Created', schema: userCreated }, 400: problem('Invalid fields') },
      handler: async ({ ctx, body }) => {
        const result = await services.users.create(ctx, body)
        return {
          status: 201,
          body: { id: result.id, passwordLink: `${links.publicUrl}/password/${result.passwordToken}` },
        }
      },
    }),
    apiRoute({
      method: 'get',
      path: '/users/:userId',
      access: 'users:manage',
      summary: 'One user',
      tags: ['administration'],
      params: userIdParams,
      responses: { 200: { description: 'The user', schema: user }, 404: problem('No such user') },
      handler: async ({ ctx, params }) => ({
        status: 200,
        body: userBody(await services.users.get(ctx, params.userId)),
      }),
    }),
    apiRoute({
      method: 'patch',
      path: '/users/:userId',
      access: 'users:manage',
      summary: "Change a user's name, role or team",
      tags: ['administration'],
      params: userIdParams,
      body: userChangeSchema,
      responses: {
        204: { description: 'Changed' },
        400: problem('Invalid fields'),
        404: problem('No such user'),
        409: problem('Changed by someone else since the version you sent'),
      },
      handler: async ({ ctx, params, body }) => {
        await services.users.update(ctx, params.userId, body)
        return { status: 204 }
      },
    }),
  ]
}

function userBody(u: Awaited<ReturnType<Services['users']['get']>>) {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    role: u.role,
    teamId: u.teamId,
    active: u.active,
    locked: u.locked,
    hasPassword: u.hasPassword,
    lastSignInAt: iso(u.lastSignInAt),
    createdAt: iso(u.createdAt),
    version: u.version,
  }
}
