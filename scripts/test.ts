/**
 * `npm test`: finds every *.test.ts under src/ and test/ (Node 20's test runner has no
 * globs) and runs them with Node's test runner, whose summary lines CI reads.
 * Extra arguments are passed on, e.g. `npm test -- test/integration/api.test.ts`, except
 * `--except <folder>`, which leaves out the test files under that folder (CI runs the browser
 * tests once, on PostgreSQL, rather than again on the embedded database).
 * Node 20 applies --test-timeout to each file as a whole: a file that needs more than five
 * minutes has hung, or has grown too big and should be split (as the browser journeys are).
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const except: string[] = []
for (let at = args.indexOf('--except'); at >= 0; at = args.indexOf('--except')) {
  const [, folder] = args.splice(at, 2)
  if (!folder) throw new Error('--except needs a folder, e.g. --except test/browser')
  except.push(path.normalize(folder) + path.sep)
}
const files = args.some((a) => a.endsWith('.ts'))
  ? []
  : ['src', 'test'].flatMap((dir) =>
      readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.test.ts'))
        .map((f) => path.join(dir, f))
        .filter((f) => !except.some((folder) => f.startsWith(folder)))
        .sort(),
    )
if (except.length > 0) process.stdout.write(`# not run here: the tests under ${except.join(', ')}\n`)
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...args, ...files],
  { cwd: root, stdio: 'inherit' },
)
process.exit(result.status ?? 1)
