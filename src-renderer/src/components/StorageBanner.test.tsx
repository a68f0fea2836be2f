import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { ReadOnlyReason } from '../../../src-shared/contract'
import { renderApp } from '../../test/render'
import { useAppStore } from '../store/app-store'

const full: ReadOnlyReason = {
  reason: 'disk-full',
  message: 'The disk holding your data is full: 0 MB free. Your chats can be read and searched, but nothing new is saved until there is room.',
  hint: 'Free some space on the disk with /home/ada/.ollama-desk, or move the data folder (--data-dir or OLLAMA_DESK_HOME). Nothing already saved was lost.',
}
const banner = () => screen.queryByRole('alert', { name: 'Your history is read-only' })

describe('the read-only history banner (a full disk, issue 19.1)', () => {
  it('is not there while the history can be saved', async () => {
    const { calls } = await renderApp({ history: { storage: { readOnly: null } } })
    await waitFor(() => expect(calls.some((call) => call.route === 'sessions.storage')).toBe(true))
    expect(banner()).toBeNull()
  })

  it('says why and what to do, and goes away on "Check again" once there is room', async () => {
    const storage = { readOnly: full as ReadOnlyReason | null }
    await renderApp({ history: { storage } })
    const shown = await screen.findByRole('alert', { name: 'Your history is read-only' })
    expect(shown.textContent).toContain(full.message)
    expect(shown.textContent).toContain('move the data folder (--data-dir or OLLAMA_DESK_HOME)')
    await userEvent.click(screen.getByRole('button', { name: 'Check again' }))
    expect(banner()).not.toBeNull()
    storage.readOnly = null
    await userEvent.click(screen.getByRole('button', { name: 'Check again' }))
    await waitFor(() => expect(banner()).toBeNull())
  })

  it('appears when a save fails because the disk filled while the app was open', async () => {
    const storage = { readOnly: null as ReadOnlyReason | null }
    const { api } = await renderApp({ history: { storage } })
    await screen.findByRole('main')
    expect(banner()).toBeNull()
    storage.readOnly = full
    const result = await api.call('sessions.create', {})
    expect(result).toMatchObject({ ok: false, error: { code: 'E_DISK_FULL' } })
    if (!result.ok) useAppStore.getState().notifyError(result.error)
    expect(await screen.findByRole('alert', { name: 'Your history is read-only' })).toBeTruthy()
  })
})
