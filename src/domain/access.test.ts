import assert from 'node:assert/strict'
import { test } from 'node:test'
import { can, PERMISSIONS, type Permission, parseRole, ROLES } from './access.ts'

test('only administrators manage users and teams', () => {
  for (const role of ROLES) {
    assert.equal(can(role, 'users:manage'), role === 'administrator', role)
    assert.equal(can(role, 'teams:manage'), role === 'administrator', role)
  }
})

test('everyone signed in has a home page and their own account', () => {
  for (const role of ROLES) {
    assert.ok(can(role, 'home:view'))
    assert.ok(can(role, 'account:manage'))
  }
})

test('a permission nobody was granted is denied to every role', () => {
  assert.equal(
    ROLES.some((r) => can(r, 'no-such-permission' as Permission)),
    false,
  )
  assert.ok(Object.keys(PERMISSIONS).length > 0)
})

test('roles are accepted as stored, hyphenated or as their label', () => {
  assert.equal(parseRole('team_manager'), 'team_manager')
  assert.equal(parseRole('team-manager'), 'team_manager')
  assert.equal(parseRole('Team manager'), 'team_manager')
  assert.equal(parseRole('Social worker (partner)'), 'social_worker')
  assert.equal(parseRole('chief'), undefined)
})
