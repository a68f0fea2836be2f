import { afterEach, describe, expect, it } from 'vitest'
import { UpdateStatusSchema, type EventName, type Result } from '../../../src-shared/contract'
import { startChatCore } from '../../../test/support/chat-core'
import { createTestCore } from '../../../test/support/core'
import { removeTempDirs } from '../../../test/support/tmp'
import { createLocalClient } from '../rpc'
import { HANDLED_BY_DESKTOP, type UpdateInfo, type UpdaterPort } from '../updates'
import type { Core } from '.'

const cores: Core[] = []
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()))
  removeTempDirs()
})

const ctx = () => ({ signal: new AbortController().signal, clientId: 'test' })

/** A desktop updater that always finds 1.1.0 and downloads it at once. */
function readyPort() {
  const port = {
    packaged: true,
    channels: [] as string[],
    installs: 0,
    configure: ({ channel }: { channel: string }) => void port.channels.push(channel),
    check: (): Promise<UpdateInfo | null> => Promise.resolve({ version: '1.1.0', releaseNotes: 'Notes', releaseDate: null }),
    download: () => Promise.resolve(),
    quitAndInstall: () => void port.installs++,
    on: () => () => undefined,
  }
  return port satisfies UpdaterPort
}

function coreWith(updater?: UpdaterPort) {
  const { core } = createTestCore(updater ? { updater, mode: 'electron' } : {})
  cores.push(core)
  const events: [EventName, unknown][] = []
  core.onBroadcast((name, payload) => events.push([name, payload]))
  const call = async (route: string): Promise<Result<unknown>> => (await core.dispatcher.call(route, {}, ctx())) as Result<unknown>
  return { core, events, call }
}

describe('updates wiring', () => {
  it('the web companion and CLI say updates belong to the desktop app', async () => {
    const { call } = coreWith()
    const status = await call('updates.status')
    expect(status.ok && UpdateStatusSchema.parse(status.value).update).toEqual({ state: 'disabled', reason: HANDLED_BY_DESKTOP })
    expect(await call('updates.check')).toMatchObject({ ok: false, error: { code: 'E_UNSUPPORTED', message: HANDLED_BY_DESKTOP } })
  })

  it('the desktop app checks, downloads, broadcasts and installs through the routes', async () => {
    const port = readyPort()
    const { call, events } = coreWith(port)
    expect(port.channels).toEqual(['latest'])
    const checked = await call('updates.check')
    expect(checked).toMatchObject({ ok: true, value: { currentVersion: '9.9.9-test', update: { state: 'downloaded', version: '1.1.0', releaseNotes: 'Notes' } } })
    expect(events.filter(([name]) => name === 'updates.changed').map(([, payload]) => UpdateStatusSchema.parse(payload).update.state)).toEqual(['checking', 'available', 'downloading', 'downloaded'])
    expect(await call('updates.download')).toMatchObject({ ok: true, value: { update: { state: 'downloaded' } } })
    expect(await call('updates.install')).toMatchObject({ ok: true, value: { installPending: false } })
    expect(port.installs).toBe(1)
  })

  it('follows the channel setting', async () => {
    const port = readyPort()
    const { core, call } = coreWith(port)
    await core.settings.update({ updates: { channel: 'beta' } })
    expect(port.channels).toEqual(['latest', 'beta'])
    expect(await call('updates.status')).toMatchObject({ ok: true, value: { channel: 'beta' } })
  })

  it('refuses a bad channel in settings with a clear error', async () => {
    const { core } = coreWith(readyPort())
    await expect(Promise.resolve().then(() => core.settings.update({ updates: { channel: 'nightly' as 'beta' } }))).rejects.toThrow(/"updates.channel": Invalid option: expected one of "latest"\|"beta"/)
    expect(core.settings.get().updates.channel).toBe('latest')
  })
})

describe('replies streaming, as the updater sees them', () => {
  it('counts a reply while it streams and not after', async () => {
    const chat = await startChatCore()
    try {
      const seen: number[] = []
      const client = createLocalClient(chat.t.core.dispatcher, 'test')
      expect(chat.t.core.providers.chat.activeReplies).toBe(0)
      const result = await client.stream('chat.send', { text: 'hello', target: chat.target }, (event) => {
        if (event.type === 'started') seen.push(chat.t.core.providers.chat.activeReplies)
      }).done
      expect(result.ok).toBe(true)
      expect(seen).toEqual([1])
      expect(chat.t.core.providers.chat.activeReplies).toBe(0)
    } finally {
      await chat.close()
    }
  })
})
