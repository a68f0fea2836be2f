import assert from 'node:assert/strict'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { startReleaseServer, type ReleaseServer } from '../src-main/core/installer/testdata/release-server.ts'
import { expectAccessible } from './a11y.ts'
import { eventually, goTo, openApp, shoot, shootLooks, type Companion, type OpenApp } from './harness.ts'
import { STANDIN_VERSION, standinArchive } from './ollama-standin.ts'

let app: OpenApp
let companion: Companion
let release: ReleaseServer
let page: Page
let home: string

const shot = (name: string) => shoot(page, `onboarding-${name}`, { fullPage: true })

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

const dialog = () => page.getByRole('dialog', { name: /./ })
const button = (name: string | RegExp) => dialog().getByRole('button', { name, exact: typeof name === 'string' })

before(async () => {
  const archive = standinArchive()
  release = await startReleaseServer({ artifacts: new Map([['ollama-linux-amd64.tar.zst', archive], ['ollama-linux-arm64.tar.zst', archive]]), faults: { slowMs: 40 } })
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ollama-desk-e2e-home-'))
  // Nothing answers at the Ollama address: the wizard finds no Ollama and installs one.
  app = await openApp({ ollamaHost: `127.0.0.1:${await freePort()}`, env: { HOME: home, OLLAMA_DESK_RELEASE_URL: release.url, OLLAMA_MODELS: path.join(home, 'models') }, firstRun: true, skipChatWait: true })
  ;({ companion, page } = app)
})

after(async () => {
  // Stop the installed stand-in the way the app does, then make sure by its pid file.
  await fetch(`${companion.origin}/api/rpc/ollama.stop`, { method: 'POST', headers: { authorization: `Bearer ${companion.token}`, 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined)
  const pidFile = path.join(home, '.local/share/ollama-desk/ollama-serve.pid')
  const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : 0
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already stopped
    }
  }
  await app?.close()
  await release?.close()
  fs.rmSync(home, { recursive: true, force: true })
})

describe('first-run setup, from "not found" to a first chat', () => {
  test('welcomes on first run', async () => {
    await page.getByRole('heading', { level: 1, name: 'Welcome to Ollama Desk' }).waitFor()
    await shot('welcome')
    await expectAccessible(page, 'the wizard: welcome')
    await button('Get started').click()
  })

  test('finds no Ollama and installs it with one click, with progress', async () => {
    await dialog().getByText('Ollama was not found').waitFor()
    await shot('not-found')
    await expectAccessible(page, 'the wizard: Ollama not found')
    await button('Install Ollama').click()
    await page.waitForFunction(() => Number(document.querySelector('[aria-label="Ollama download"]')?.getAttribute('aria-valuenow')) >= 25)
    await dialog().getByText(/ left/).waitFor()
    await shot('install')
    await dialog().getByText(`Ollama ${STANDIN_VERSION} is running at`).waitFor()
    assert.ok(fs.existsSync(path.join(home, '.local/share/ollama-desk/ollama/bin/ollama')))
    await shot('running')
    await expectAccessible(page, 'the wizard: Ollama running')
    await button('Next').click()
  })

  test('picks a recommended model and pulls it with progress', async () => {
    await page.getByRole('heading', { level: 1, name: 'Pick a first model' }).waitFor()
    const choices = dialog().getByRole('group', { name: 'Recommended for this computer' })
    await choices.getByRole('radio').first().waitFor()
    await shot('model')
    await expectAccessible(page, 'the wizard: pick a model')
    await button(/^Download /).click()
    await page.waitForFunction(() => Number(document.querySelector('[aria-label$=" download"][role="progressbar"]')?.getAttribute('aria-valuenow')) >= 30)
    // The bar is drawn as long as the percentage it announces (read in one go: it keeps moving).
    const drawn = await page.evaluate(() => {
      const bar = document.querySelector('[aria-label$=" download"][role="progressbar"]')
      const fill = bar?.querySelector('span')
      return { value: Number(bar?.getAttribute('aria-valuenow')), width: (100 * (fill?.getBoundingClientRect().width ?? 0)) / (bar?.getBoundingClientRect().width ?? 1) }
    })
    assert.ok(Math.abs(drawn.width - drawn.value) <= 1, `the bar shows ${drawn.width.toFixed(1)}% for ${drawn.value}%`)
    await shot('pull')
    await dialog().getByText(/ is ready$/).waitFor()
    await button('Next').click()
  })

  test('sends a first prompt and gets an answer', async () => {
    await page.getByRole('heading', { level: 1, name: 'Try it' }).waitFor()
    await button('Send').click()
    await dialog().getByLabel('Reply').getByText(/running on your computer/).waitFor()
    await dialog().getByText('Everything works.', { exact: false }).waitFor()
    await shot('chat')
    await expectAccessible(page, 'the wizard: first chat')
    await button('Next').click()
  })

  test('offers the optional cloud providers step, then finishes', async () => {
    await page.getByRole('heading', { level: 1, name: 'Cloud providers' }).waitFor()
    await dialog().getByRole('radiogroup', { name: 'Cloud provider' }).or(dialog().getByRole('group', { name: 'Cloud provider' })).waitFor()
    await shot('cloud')
    await expectAccessible(page, 'the wizard: cloud providers')
    await button('Skip').click()
    await page.getByRole('heading', { level: 1, name: 'You’re all set' }).waitFor()
    await shot('done')
    // Every step was done except the cloud providers, skipped: grey, not green.
    assert.deepEqual(await dialog().getByRole('list', { name: 'Setup steps' }).getByRole('listitem').allTextContents(), ['✓ Welcome: done', '✓ Ollama: done', '✓ First model: done', '✓ First chat: done', '– Cloud providers: skipped', 'Done'])
    await expectAccessible(page, 'the wizard: done')
    await button('Start chatting').click()
    await page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor()
    await dialog().waitFor({ state: 'detached' })
    // The window closes the wizard at once; the core writes settings.json a moment later.
    const settingsFile = path.join(companion.dataDir, 'settings.json')
    const completed = () => {
      try {
        return (JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { onboarding?: { completed?: boolean } }).onboarding?.completed === true
      } catch {
        return false // not written yet
      }
    }
    await eventually(completed, 'settings.json records the finished onboarding')
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor()
    assert.equal(await page.getByRole('dialog').count(), 0)
  })

  test('Settings → Ollama shows the Ollama it installed and stops, starts and uninstalls it (after asking)', async () => {
    await goTo(page, 'Settings')
    const service = page.getByRole('group', { name: 'Ollama on this computer' })
    await service.getByText(`Running: Ollama ${STANDIN_VERSION} at`).waitFor()
    await service.getByText('installed by Ollama Desk', { exact: false }).waitFor()
    await shootLooks(page, 'settings-ollama', { scrollTo: service })
    await service.getByRole('button', { name: 'Stop' }).click()
    await service.getByText('but not running at', { exact: false }).waitFor()
    await service.getByRole('button', { name: 'Start' }).click()
    await service.getByText(`Running: Ollama ${STANDIN_VERSION} at`).waitFor()
    // The stand-in keeps its models in memory: a file where Ollama keeps them shows they survive.
    const manifest = path.join(home, 'models', 'manifests', 'registry.ollama.ai', 'library', 'llama3.2', 'latest')
    fs.mkdirSync(path.dirname(manifest), { recursive: true })
    fs.writeFileSync(manifest, '{}')
    await service.getByRole('button', { name: 'Uninstall…' }).click()
    await service.getByRole('alertdialog', { name: 'Uninstall Ollama?' }).waitFor()
    await shoot(service, 'settings-ollama-uninstall')
    await service.getByRole('button', { name: 'Uninstall', exact: true }).click()
    await service.getByText('Removed. Your downloaded models are still there.').waitFor()
    await service.getByText('Not installed on this computer', { exact: false }).waitFor()
    assert.equal(fs.existsSync(path.join(home, '.local/share/ollama-desk/ollama/bin/ollama')), false, 'the binary is gone')
    assert.equal(fs.existsSync(manifest), true, 'the downloaded models stay')
    await service.getByRole('button', { name: 'Install Ollama' }).waitFor()
  })
})
