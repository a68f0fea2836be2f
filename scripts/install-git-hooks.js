#!/usr/bin/env node
// Runs from `npm install` (the `prepare` script): points git at the versioned hooks in .githooks/
// (`git config core.hooksPath .githooks`). It must never break an install, so every problem is
// a printed note and the exit code is always 0. Does nothing in CI, outside a git work tree, when
// this package is not the top of the work tree (installed inside another repository), or when
// core.hooksPath already points somewhere else (another hook manager is in charge).
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, realpathSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const HOOKS_DIR = '.githooks'
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const note = (message) => console.log(`install-git-hooks: ${message}`)

const git = (...args) => {
  const result = spawnSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  if (result.error) throw result.error
  return { ok: result.status === 0, out: (result.stdout ?? '').trim() }
}

function install() {
  if (process.env.CI) return note('CI detected, git hooks not installed')
  if (!existsSync(join(root, HOOKS_DIR))) return note(`${HOOKS_DIR}/ not found, git hooks not installed`)

  let inside
  try {
    inside = git('rev-parse', '--is-inside-work-tree')
  } catch {
    return note('git is not available, git hooks not installed')
  }
  if (!inside.ok || inside.out !== 'true') return note('not a git work tree, git hooks not installed')

  const top = git('rev-parse', '--show-toplevel')
  if (!top.ok || realpathSync(top.out) !== realpathSync(root)) {
    return note('this package is not the root of its git work tree, git hooks not installed')
  }

  const current = git('config', '--get', 'core.hooksPath').out
  if (current && current !== HOOKS_DIR) {
    return note(`core.hooksPath is already "${current}"; left as is (run \`git config core.hooksPath ${HOOKS_DIR}\` to use ours)`)
  }

  // Checkouts on some systems (or from archives) lose the executable bit.
  try {
    chmodSync(join(root, HOOKS_DIR, 'pre-commit'), 0o755)
  } catch {
    // A missing or read-only hook is not worth failing the install over.
  }

  if (current === HOOKS_DIR) return note(`git hooks already active (core.hooksPath=${HOOKS_DIR})`)
  if (!git('config', 'core.hooksPath', HOOKS_DIR).ok) return note('could not set core.hooksPath, git hooks not installed')
  note(`git hooks active (core.hooksPath=${HOOKS_DIR}); skip one commit's checks with --no-verify`)
}

try {
  install()
} catch (error) {
  note(`skipped (${error instanceof Error ? error.message : String(error)})`)
}
process.exitCode = 0
