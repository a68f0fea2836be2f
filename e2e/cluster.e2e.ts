import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { E2E_WAIT_MS, eventually, launchBrowser, root, screenshotDir, startCompanion, startFakeOllama, type Companion } from './harness.ts'

/**
 * Two real instances on loopback: the web companion under test (machine "laptop") and a second
 * Ollama Desk running `cluster serve` (machine "studio"), each with its own HOME, data dir and
 * Ollama models folder. Clustering is turned on in the UI, studio is paired with the code it
 * prints, the link is measured and a generated model is copied across.
 */
let browser: Browser
let companion: Companion
let ollama: { host: string; close(): Promise<void> }
/** studio's own Ollama (a fake speaking Ollama's API), which the laptop may route chats to. */
let studioOllama: { host: string; close(): Promise<void> }
let page: Page
let studio: ChildProcess
let studioOutput = ''
let studioAddress = ''
let studioData = ''
const temp: string[] = []
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  temp.push(dir)
  return dir
}
const laptopModels = path.join(tempDir('cluster-e2e-a-'), 'models')
const studioModels = path.join(tempDir('cluster-e2e-b-'), 'models')

const shot = (name: string) => page.screenshot({ path: path.join(screenshotDir, `${name}.png`) })
const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click()

/** An Ollama model as Ollama stores it: content-addressed blobs and a manifest. */
function writeModel(modelsDir: string, model: string, tag: string, weightsBytes: number): string {
  fs.mkdirSync(path.join(modelsDir, 'blobs'), { recursive: true })
  const blob = (mediaType: string, data: Buffer) => {
    const hex = createHash('sha256').update(data).digest('hex')
    fs.writeFileSync(path.join(modelsDir, 'blobs', `sha256-${hex}`), data)
    return { mediaType, digest: `sha256:${hex}`, size: data.length }
  }
  const weights = blob('application/vnd.ollama.image.model', Buffer.concat([Buffer.from('GGUF'), randomBytes(weightsBytes)]))
  const template = blob('application/vnd.ollama.image.template', Buffer.from(`{{ .Prompt }} (${model})`))
  const config = blob('application/vnd.docker.container.image.v1+json', Buffer.from(JSON.stringify({ model_format: 'gguf', model_family: 'llama', rootfs: { type: 'layers', diff_ids: [weights.digest, template.digest] } })))
  const text = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config, layers: [weights, template] })
  const file = path.join(modelsDir, 'manifests', 'registry.ollama.ai', 'library', model, tag)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
  return text
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** The newest pairing code studio printed (one each time Enter is typed into it). */
function studioCode(): string {
  const codes = [...studioOutput.matchAll(/"type":"pairing-code","code":"(\d{6})"/g)]
  return codes.at(-1)?.[1] ?? ''
}

async function waitForStudio(pattern: RegExp): Promise<RegExpMatchArray> {
  await eventually(() => pattern.test(studioOutput), () => `studio prints ${pattern}:\n${studioOutput}`)
  return pattern.exec(studioOutput) as RegExpMatchArray
}

before(async () => {
  fs.mkdirSync(screenshotDir, { recursive: true })
  writeModel(studioModels, 'qwen3', '32b', 3 * 2 ** 20)
  studioOllama = await startFakeOllama()
  studio = spawn(process.execPath, [path.join(root, 'bin', 'ollama-desk.js'), 'cluster', 'serve', '--json', '--port', '0', '--host', '127.0.0.1', '--name', 'studio', '--data-dir', (studioData = tempDir('cluster-e2e-b-data-')), '--models-dir', studioModels], {
    env: { ...process.env, HOME: tempDir('cluster-e2e-b-home-'), OLLAMA_DESK_RELEASE_API: 'off', OLLAMA_HOST: studioOllama.host },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  studio.stdout?.on('data', (chunk: Buffer) => (studioOutput += chunk.toString()))
  studio.stderr?.on('data', (chunk: Buffer) => (studioOutput += chunk.toString()))
  studioAddress = (await waitForStudio(/"type":"listening","address":"tcp:\/\/([^"]+)"/))[1] ?? ''

  // Clustering is set up to find studio by address but stays off until the user turns it on.
  const dataDir = tempDir('ollama-desk-e2e-')
  const port = await freePort()
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ version: 1, onboarding: { completed: true }, analytics: { consent: 'denied' }, cluster: { port, name: 'laptop', discovery: 'static', staticPeers: [studioAddress] } }))
  ollama = await startFakeOllama()
  companion = await startCompanion({ OLLAMA_HOST: ollama.host, OLLAMA_MODELS: laptopModels, OLLAMA_DESK_CLUSTER_HOST: '127.0.0.1' }, { dataDir })
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, colorScheme: 'light' })
  page.setDefaultTimeout(E2E_WAIT_MS)
  await page.goto(companion.url)
  await page.getByRole('heading', { level: 1, name: 'Chat' }).waitFor()
})

after(async () => {
  await browser?.close()
  await companion?.stop()
  await ollama?.close()
  await studioOllama?.close()
  if (studio && studio.exitCode === null) {
    const exited = new Promise((resolve) => studio.once('exit', resolve))
    studio.kill('SIGTERM')
    await exited
  }
  for (const dir of temp) fs.rmSync(dir, { recursive: true, force: true })
})

describe('Cluster', () => {
  const tinyText = writeModel(laptopModels, 'tiny', '1b', 6 * 2 ** 20)

  test('turning clustering on shows this machine and finds studio by address', async () => {
    await nav('Cluster')
    const off = page.getByRole('region', { name: 'Clustering is off' })
    await off.waitFor()
    assert.match(await off.innerText(), /listen on your local network on port \d+/)
    await shot('cluster-off')
    await off.getByRole('switch', { name: 'Turn clustering on' }).click()
    const self = page.getByRole('region', { name: /laptop \(this machine\)/ })
    await self.waitFor()
    assert.match(await self.innerText(), /Listening on 127\.0\.0\.1:\d+/)
    assert.match(await self.innerText(), /RDMA\s+Not available/)
    const peer = page.getByRole('listitem', { name: 'Peer studio' })
    await peer.waitFor()
    assert.match(await peer.innerText(), /not paired/i)
    assert.match(await peer.innerText(), /1 \(pair to see which\)/)
  })

  test('pairs with the code studio shows, and measures the link', async () => {
    const peer = page.getByRole('listitem', { name: 'Peer studio' })
    // `cluster serve` shows a code only when asked (Enter), with its own fingerprint.
    assert.equal(studioCode(), '')
    studio.stdin?.write('\n')
    const shown = await waitForStudio(/"type":"pairing-code","code":"\d{6}","expiresAt":\d+,"fingerprint":"([0-9A-F-]{19})"/)
    await peer.getByRole('button', { name: 'Pair…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Pair with studio' })
    await dialog.getByLabel('Pairing code').fill(studioCode())
    await shot('cluster-pair')
    await dialog.getByRole('button', { name: 'Pair', exact: true }).click()
    // studio asks its user to confirm the laptop by the fingerprint the laptop's screen shows.
    const asked = await waitForStudio(/"type":"confirm-pairing","id":"[^"]+","name":"laptop","fingerprint":"([0-9A-F-]{19})"/)
    const own = await page.getByRole('region', { name: /laptop \(this machine\)/ }).innerText()
    assert.match(own, new RegExp(`Fingerprint\\s+${asked[1]}`))
    studio.stdin?.write('yes\n')
    await dialog.waitFor({ state: 'detached' })
    // The card updates once the pairing is stored: wait for it before reading its fingerprint.
    await peer.getByText('Paired', { exact: true }).waitFor()
    assert.match(await peer.innerText(), new RegExp(`Fingerprint\\s+${shown[1]}`))
    await peer.getByText('qwen3:32b').waitFor()
    await peer.getByText(/bit\/s over loopback \(this computer\)/).waitFor()
    await peer.getByRole('button', { name: 'Measure' }).click()
    await peer.getByRole('button', { name: 'Measure' }).waitFor()
    assert.match(await peer.innerText(), /\d+(\.\d)? [MG]bit\/s\s+over/)
    await waitForStudio(/"type":"paired"/)

    await page.getByRole('button', { name: 'Show pairing code' }).click()
    const code = page.getByRole('dialog', { name: 'Pairing code' })
    await code.getByRole('timer').waitFor()
    assert.match(await code.getByRole('timer').innerText(), /^Valid for [12]:\d\d$/)
    await shot('cluster-code')
    await page.keyboard.press('Escape')
    await code.waitFor({ state: 'detached' })
  })

  test('sends a model to studio with progress, and it arrives there', async () => {
    const peer = page.getByRole('listitem', { name: 'Peer studio' })
    await peer.getByRole('button', { name: 'Send model…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Send a model to studio' })
    await dialog.getByLabel('Model').selectOption('tiny:1b')
    await dialog.getByRole('button', { name: 'Send', exact: true }).click()
    // A paired machine may not send models until the receiving side allows it.
    await dialog.getByRole('alert').filter({ hasText: 'laptop may not send models to studio.' }).waitFor()
    await shot('cluster-send-refused')
    const allowed = spawnSync(process.execPath, [path.join(root, 'bin', 'ollama-desk.js'), 'cluster', 'allow-models', 'laptop', '--data-dir', studioData], { encoding: 'utf8', env: { ...process.env, OLLAMA_DESK_RELEASE_API: 'off' } })
    assert.match(allowed.stdout, /laptop \(.+\) may now send models to this machine/, allowed.stderr)
    await dialog.getByRole('button', { name: 'Try again', exact: true }).click()
    await dialog.getByRole('status').filter({ hasText: 'Sent tiny:1b' }).waitFor()
    await shot('cluster-send')
    await dialog.getByRole('button', { name: 'Close' }).click()
    await waitForStudio(/"type":"received"/)
    assert.equal(fs.readFileSync(path.join(studioModels, 'manifests', 'registry.ollama.ai', 'library', 'tiny', '1b'), 'utf8'), tinyText)
    await page.getByRole('button', { name: 'Refresh' }).click()
    await peer.getByText('tiny:1b').waitFor()
    await page.getByRole('heading', { level: 2, name: 'Machines on the network' }).scrollIntoViewIfNeeded()
    await shot('cluster')
  })

  test('offers studio for chats once paired, and adds its Ollama to the pool when turned on', async () => {
    const peer = page.getByRole('listitem', { name: 'Peer studio' })
    const toggle = peer.getByRole('switch', { name: 'Use for chats' })
    await toggle.waitFor()
    assert.equal(await toggle.isChecked(), false)
    assert.equal(await toggle.isEnabled(), true)
    assert.match(await peer.innerText(), /Off: chats run on this computer’s Ollama only\./)
    await toggle.click()
    await peer.getByText(/Chats can run on studio/).waitFor()
    assert.equal(await toggle.isChecked(), true)
    await peer.scrollIntoViewIfNeeded()
    await peer.screenshot({ path: path.join(screenshotDir, 'cluster-use-for-chats.png') })
    // The Ollama provider now lists studio's server beside this computer's.
    const providers = JSON.parse(fs.readFileSync(path.join(companion.dataDir, 'providers.json'), 'utf8')) as { providers: { id: string; hosts?: string[] }[] }
    assert.deepEqual(providers.providers.find((p) => p.id === 'ollama')?.hosts, [`http://${studioOllama.host}`])
  })
})
