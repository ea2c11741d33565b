/**
 * Builds dist/assets: the stylesheet (GOV.UK and MoJ frontend, with Hearth's few
 * additions), the script, and images. Skips work that is already up to date, so
 * `npm start` and `npm test` can always run it.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import * as sass from 'sass'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'dist/assets')
const lockfile = path.join(root, 'package-lock.json')

function newestInput(dir: string): number {
  let newest = existsSync(lockfile) ? statSync(lockfile).mtimeMs : 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

function upToDate(output: string, inputDir: string): boolean {
  return existsSync(output) && statSync(output).mtimeMs >= newestInput(inputDir)
}

mkdirSync(path.join(out, 'images'), { recursive: true })

const css = path.join(out, 'app.css')
if (!upToDate(css, path.join(root, 'assets/scss'))) {
  const result = sass.compile(path.join(root, 'assets/scss/index.scss'), {
    loadPaths: [path.join(root, 'node_modules'), root],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'slash-div', 'if-function'],
    // Warnings about our own stylesheet only: the frontends' deprecations are theirs to fix.
    logger: {
      warn(message, options) {
        if (options.span?.url?.pathname.includes('/assets/scss/')) process.stderr.write(`sass: ${message}\n`)
      },
    },
  })
  writeFileSync(css, result.css)
}

const js = path.join(out, 'app.js')
if (!upToDate(js, path.join(root, 'assets/js'))) {
  await build({
    entryPoints: [path.join(root, 'assets/js/index.ts')],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2020',
    outfile: js,
    logLevel: 'warning',
  })
}

for (const image of readdirSync(path.join(root, 'assets/images'))) {
  copyFileSync(path.join(root, 'assets/images', image), path.join(out, 'images', image))
}
