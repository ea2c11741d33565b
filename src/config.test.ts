import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { ConfigError, loadConfig, settings } from './config.ts'

const SECRET = 'a-session-secret-that-is-long-enough-123'

describe('configuration', () => {
  test('runs with no settings at all, on the embedded database, with safe defaults', () => {
    const config = loadConfig({})
    assert.equal(config.DATABASE_URL, undefined)
    assert.equal(config.HEARTH_DATA_DIR, './data')
    assert.equal(config.SESSION_IDLE_MINUTES, 30)
    assert.equal(config.SESSION_ABSOLUTE_HOURS, 10)
    assert.equal(config.LOCKOUT_ATTEMPTS, 10)
    assert.equal(config.LOCKOUT_MINUTES, 15)
    assert.equal(config.secureCookies, false)
    assert.equal(config.sessionSecretGenerated, true)
    assert.equal(config.publicUrl, 'http://127.0.0.1:3000')
  })

  test('production refuses to start without SESSION_SECRET', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://hearth.example.org' }),
      (e: unknown) => e instanceof ConfigError && e.problems.includes('SESSION_SECRET is required in production'),
    )
  })

  test('production refuses unsafe settings: plain http, insecure cookies, debug logs', () => {
    const error = (() => {
      try {
        loadConfig({
          NODE_ENV: 'production',
          SESSION_SECRET: SECRET,
          PUBLIC_URL: 'http://hearth.example.org',
          SECURE_COOKIES: 'false',
          LOG_LEVEL: 'debug',
        })
      } catch (e) {
        return e as ConfigError
      }
    })()
    assert.ok(error instanceof ConfigError)
    assert.deepEqual(error.problems, [
      'SECURE_COOKIES cannot be false in production',
      'PUBLIC_URL must use https in production',
      'LOG_LEVEL debug and trace are not allowed in production',
    ])
  })

  test('production with safe settings starts, with secure cookies', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: SECRET,
      PUBLIC_URL: 'https://hearth.example.org/',
    })
    assert.equal(config.secureCookies, true)
    assert.equal(config.publicUrl, 'https://hearth.example.org')
  })

  test('a short or well-known secret is refused in any environment', () => {
    assert.throws(() => loadConfig({ SESSION_SECRET: 'short' }), /at least 32 characters/)
    assert.throws(() => loadConfig({ SESSION_SECRET: 'changeme' }), /at least 32 characters/)
  })

  test('a bad value names the setting', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/)
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL must start with postgres/)
    assert.throws(() => loadConfig({ SESSION_IDLE_MINUTES: '0' }), /SESSION_IDLE_MINUTES/)
  })

  test('the README documents every setting', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const missing = Object.keys(settings).filter((name) => !readme.includes(`| \`${name}\``))
    assert.deepEqual(missing, [], 'settings missing from the README settings table')
  })
})
