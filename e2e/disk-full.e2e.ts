import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { mountSmallDisk, type SmallDisk } from '../test/support/tmpfs.ts'
import { eventually, openApp, shootLooks, type OpenApp } from './harness.ts'

/**
 * The data folder's disk fills while the app is open (a real 16 MB tmpfs; skipped with the
 * reason where mounting is not allowed): the app stays up, says the history is read-only and
 * why, keeps showing the chats, and saves again once space is freed.
 */
const disk = mountSmallDisk(16)
if (typeof disk === 'string') console.warn(`[disk-full e2e] skipped: ${disk}`)

let app: OpenApp
let page: Page
let small: SmallDisk

const rpc = async (route: string, input: object): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> => {
  const response = await fetch(`${app.companion.origin}/api/rpc/${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.companion.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  return (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string } }
}

describe('a full disk', { skip: typeof disk === 'string' ? disk : false }, () => {
  before(async () => {
    small = disk as SmallDisk
    const dataDir = path.join(small.dir, 'data')
    fs.mkdirSync(dataDir, { mode: 0o700 })
    app = await openApp({ dataDir, page: { viewport: { width: 1280, height: 800 } } })
    page = app.page
  })
  after(async () => {
    await app?.close()
    small?.unmount()
  })

  test('says the history is read-only and why, keeps the chats readable, and recovers once there is room', async () => {
    const created = await rpc('sessions.create', { title: 'Written before the disk filled' })
    assert.equal(created.ok, true, JSON.stringify(created))
    await page.getByRole('navigation', { name: 'Conversations' }).getByText('Written before the disk filled').first().waitFor()

    small.fill()
    const refused = await rpc('sessions.create', { title: 'After the disk filled' })
    assert.equal(refused.error?.code, 'E_DISK_FULL', JSON.stringify(refused))
    await page.reload()
    const banner = page.getByRole('alert', { name: 'Your history is read-only' })
    await banner.waitFor()
    assert.match((await banner.textContent()) ?? '', /The disk holding your data is full: 0 MB free\. Your chats can be read and searched/)
    // The chats are still there to read.
    await page.getByText('Written before the disk filled').first().waitFor()
    await shootLooks(page, 'disk-full-banner')

    small.free()
    await banner.getByRole('button', { name: 'Check again' }).click()
    await eventually(async () => (await banner.count()) === 0, 'the banner goes away once there is room')
    const saved = await rpc('sessions.create', { title: 'After space was freed' })
    assert.equal(saved.ok, true, JSON.stringify(saved))
  })
})
