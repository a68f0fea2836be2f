import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { makeSession } from '../../../test/session-fixtures'
import { openSettingsSection } from '../../../test/settings-section'

const routeCalls = (calls: { route: string; input: unknown }[], route: string) => calls.filter((call) => call.route === route).map((call) => call.input)

describe('Settings → Data', () => {
  it('backs up now, and offers that backup to restore from', async () => {
    const { section, calls } = await openSettingsSection('Your data')
    await userEvent.click(section.getByRole('button', { name: 'Back up now' }))
    expect(await screen.findByText('Backed up your history (2.4 MB).')).toBeTruthy()
    expect(routeCalls(calls, 'sessions.backup')).toEqual([{}])
    expect(section.getByRole('textbox', { name: 'Backup file (full path)' })).toHaveProperty('value', '/tmp/data/sessions/backups/manual-2025-01-01.sqlite')
  })

  it('merges a backup at once, but replaces only after a confirmation, saying where the old history went', async () => {
    const { section, calls } = await openSettingsSection('Your data')
    const restore = section.getByRole('button', { name: 'Restore' })
    expect(restore).toHaveProperty('disabled', true)
    await userEvent.type(section.getByRole('textbox', { name: 'Backup file (full path)' }), '/backups/old.sqlite')
    await userEvent.click(section.getByRole('button', { name: 'Restore' }))
    await waitFor(() => expect(routeCalls(calls, 'sessions.restoreBackup')).toEqual([{ path: '/backups/old.sqlite', mode: 'merge', confirmReplace: false }]))

    await userEvent.click(section.getByRole('radio', { name: 'Replace everything' }))
    await userEvent.click(section.getByRole('button', { name: 'Replace with this backup…' }))
    // Nothing is replaced before the confirmation.
    expect(routeCalls(calls, 'sessions.restoreBackup')).toHaveLength(1)
    const confirm = section.getByRole('group', { name: 'Confirm replace' })
    expect(confirm.textContent).toContain('Replace your whole chat history with this backup?')
    await userEvent.click(section.getByRole('button', { name: 'Cancel' }))
    expect(routeCalls(calls, 'sessions.restoreBackup')).toHaveLength(1)
    await userEvent.click(section.getByRole('button', { name: 'Replace with this backup…' }))
    await userEvent.click(section.getByRole('button', { name: 'Replace' }))
    await waitFor(() => expect(routeCalls(calls, 'sessions.restoreBackup')).toHaveLength(2))
    expect(routeCalls(calls, 'sessions.restoreBackup')[1]).toEqual({ path: '/backups/old.sqlite', mode: 'replace', confirmReplace: true })
    expect(await screen.findByText('Your previous history was saved to /tmp/data/sessions/backups/before-restore.sqlite')).toBeTruthy()
  })

  it('exports every chat to a zip in the data folder by default, or where asked', async () => {
    const { section, calls } = await openSettingsSection('Your data', { history: { sessions: [makeSession(0), makeSession(1)], messages: {} } })
    const target = section.getByRole('textbox', { name: 'Zip file (full path, in an existing folder)' }) as HTMLInputElement
    expect(target.value).toMatch(/\/ollama-desk-chats-\d{4}-\d{2}-\d{2}\.zip$/)
    await userEvent.clear(target)
    await userEvent.type(target, '/home/ada/all-chats.zip')
    await userEvent.click(section.getByRole('checkbox', { name: 'Replace the file if it exists' }))
    await userEvent.click(section.getByRole('button', { name: 'Export all' }))
    expect(await screen.findByText(/Exported 2 chats/)).toBeTruthy()
    expect(routeCalls(calls, 'sessions.exportAll')).toEqual([{ path: '/home/ada/all-chats.zip', overwrite: true }])
  })

  it('deletes every chat only once the phrase is typed exactly, and says where the backup went', async () => {
    const { section, calls } = await openSettingsSection('Your data', { history: { sessions: [makeSession(0), makeSession(1), makeSession(2)], messages: {} } })
    await userEvent.click(section.getByRole('button', { name: 'Delete all chats…' }))
    const confirm = section.getByRole('group', { name: 'Confirm deleting all chats' })
    const go = section.getByRole('button', { name: 'Delete everything' })
    expect(go).toHaveProperty('disabled', true)
    const phrase = section.getByRole('textbox', { name: 'Type “delete all my chats” to confirm' })
    await userEvent.type(phrase, 'delete all my chat')
    expect(go).toHaveProperty('disabled', true)
    await userEvent.click(section.getByRole('button', { name: 'Cancel' }))
    expect(confirm.isConnected).toBe(false)
    expect(routeCalls(calls, 'sessions.deleteAll')).toEqual([])
    await userEvent.click(section.getByRole('button', { name: 'Delete all chats…' }))
    await userEvent.type(section.getByRole('textbox', { name: 'Type “delete all my chats” to confirm' }), 'delete all my chats')
    await userEvent.click(section.getByRole('button', { name: 'Delete everything' }))
    expect(await screen.findByText('Deleted 3 chats.')).toBeTruthy()
    expect(screen.getByText('A backup was made first: /tmp/data/backups/before-delete-all.sqlite')).toBeTruthy()
    expect(routeCalls(calls, 'sessions.deleteAll')).toEqual([{ confirm: 'delete all my chats' }])
    // The backup is ready to restore from.
    expect(section.getByRole('textbox', { name: 'Backup file (full path)' })).toHaveProperty('value', '/tmp/data/backups/before-delete-all.sqlite')
  })
})
