import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { eventually, openAppWithFakes, root, shoot, shootLooks, type OpenAppWithFakes, type ProviderFakes } from './harness.ts'

/**
 * Stop, SessionStart and SessionEnd hooks as Claude Code has them (issue 19, finding 10), from the
 * window: Chromium against the real web companion, real hook processes, the Ollama wire fake.
 */
let app: OpenAppWithFakes | undefined
let fakes: ProviderFakes
let page: Page
let chat: string
let log: string

const messages = () => page.getByRole('log', { name: 'Messages' })
/** The hook payloads so far, as `event:source-or-reason`. */
const events = (): string[] =>
  fs.existsSync(log)
    ? fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .map((p) => `${String(p.hook_event_name)}:${String(p.source ?? p.reason ?? p.stop_hook_active)}`)
    : []

before(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-hooks-'))
  // The log lives outside the data folder, which is removed when the companion stops.
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-hooklog-'))
  log = path.join(logDir, 'events.log')
  const seeded = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-tool.js'), 'bench/seed-chat.ts', '--data-dir', dataDir, '--title', 'Release checklist', '--messages', '2', '--tokens', '200'], { cwd: root, encoding: 'utf8' })
  assert.equal(seeded.status, 0, `seeding failed:\n${seeded.stdout}\n${seeded.stderr}`)
  chat = (JSON.parse(/^SEEDED (.+)$/m.exec(seeded.stdout)?.[1] ?? '{}') as { ids: string[] }).ids[0]!
  // Every hook logs its payload; the Stop hook also blocks once, the way a "did you run the tests?" check would.
  const script = path.join(logDir, 'hook.js')
  fs.writeFileSync(
    script,
    `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const p=JSON.parse(s);require('fs').appendFileSync(${JSON.stringify(log)},JSON.stringify(p)+'\\n');` +
      `if(p.hook_event_name==='Stop'&&!p.stop_hook_active)console.log(JSON.stringify({decision:'block',reason:'Say which tests you ran.'}))})`,
  )
  const hook = [{ hooks: [{ type: 'command', command: `node ${JSON.stringify(script)}`, timeout: 60 }] }]
  fs.writeFileSync(path.join(dataDir, 'agent-settings.json'), JSON.stringify({ hooks: { SessionStart: hook, SessionEnd: hook, Stop: hook } }))
  app = await openAppWithFakes({ dataDir, page: { viewport: { width: 1280, height: 800 } } })
  ;({ fakes, page } = app)
})

after(async () => {
  await app?.close()
})

describe('lifecycle hooks from the window', () => {
  test('opening a chat resumes it; a blocking Stop hook makes the reply continue; New chat clears it; quitting ends the open one', async () => {
    await page.goto(`${app!.companion.origin}/#/chat/${chat}`)
    await messages().waitFor()
    await eventually(() => events().includes('SessionStart:resume'), () => `SessionStart resume (seen: ${events().join(', ')})`)

    // The continuation streams slowly enough to be read while it is written.
    await fakes.control({ target: 'ollama', script: [{ text: ['I updated the checklist.'] }, { text: ['I ran the unit tests', ' and', ' the', ' e2e', ' tests.'], chunkDelayMs: 400 }] })
    // Every frame from the send on: how many messages show each round's words.
    await page.evaluate(() => {
      const seen = { frames: 0, firstMissingWhileContinuing: 0, continuationTwice: 0, firstTwice: 0 }
      Object.assign(window, { roundsSeen: seen })
      const count = (words: string): number => [...document.querySelectorAll('[role="log"][aria-label="Messages"] article')].filter((a) => a.textContent?.includes(words)).length
      const sample = (): void => {
        seen.frames++
        const continuation = count('I ran the unit tests')
        const first = count('I updated the checklist.')
        if (continuation > 0 && first === 0) seen.firstMissingWhileContinuing++
        if (continuation > 1) seen.continuationTwice++
        if (first > 1) seen.firstTwice++
        requestAnimationFrame(sample)
      }
      requestAnimationFrame(sample)
    })
    await page.getByRole('textbox', { name: 'Message' }).fill('Update the release checklist')
    await page.getByRole('textbox', { name: 'Message' }).press('Enter')
    await page.getByText('Stop hook: the reply continues — Say which tests you ran.').waitFor()
    // While the continuation is written, the first reply keeps its words above it, in its own message.
    await eventually(async () => (await messages().getByText('I ran the unit tests', { exact: false }).count()) === 1 && (await messages().getByText('Writing…').count()) === 1, 'the continuation being written')
    assert.equal(await messages().getByText('I updated the checklist.').count(), 1, 'the first reply shows once while the continuation streams')
    await shoot(page, 'hooks-stop-continuing-1280x800-light')
    const continued = messages().getByText('I ran the unit tests and the e2e tests.')
    await eventually(async () => (await continued.count()) === 1 && (await messages().getByText('Writing…').count()) === 0, 'the continued reply finished')
    await messages().getByText('I updated the checklist.').waitFor()
    const seen = await page.evaluate(() => (window as unknown as { roundsSeen: { frames: number; firstMissingWhileContinuing: number; continuationTwice: number; firstTwice: number } }).roundsSeen)
    assert.ok(seen.frames > 0, 'frames were sampled')
    assert.deepEqual({ ...seen, frames: 0 }, { frames: 0, firstMissingWhileContinuing: 0, continuationTwice: 0, firstTwice: 0 }, `in every frame each round showed once (${seen.frames} frames)`)
    assert.deepEqual(
      events().filter((e) => e.startsWith('Stop')),
      ['Stop:false', 'Stop:true'],
    )
    await shootLooks(page, 'hooks-stop-continues')

    await page.getByRole('button', { name: 'New chat' }).click()
    await eventually(() => events().includes('SessionEnd:clear'), () => `SessionEnd clear (seen: ${events().join(', ')})`)

    // Open again, then quit: the open chat ends with prompt_input_exit.
    await page.goto(`${app!.companion.origin}/#/chat/${chat}`)
    await messages().getByText('I ran the unit tests and the e2e tests.').waitFor()
    await eventually(() => events().filter((e) => e === 'SessionStart:resume').length === 2, () => `a second resume (seen: ${events().join(', ')})`)
    await app!.close()
    app = undefined
    assert.deepEqual(events(), ['SessionStart:resume', 'Stop:false', 'Stop:true', 'SessionEnd:clear', 'SessionStart:resume', 'SessionEnd:prompt_input_exit'])
  })
})
