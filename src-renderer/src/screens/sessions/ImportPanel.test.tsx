import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { FakeApiOptions } from '../../../test/fake-api'
import { renderAt } from '../../../test/render'
import { makeSessions } from '../../../test/session-fixtures'
import { parsePaths } from './ImportPanel'

const openImport = async (options: FakeApiOptions = {}) => {
  const rendered = await renderAt('#/sessions', options)
  await userEvent.click(await screen.findByRole('button', { name: 'Import…', expanded: false }))
  return { ...rendered, panel: await screen.findByRole('region', { name: 'Import sessions' }) }
}

describe('Import panel', () => {
  it('imports the ollama-cli files it found in one click and shows the result', async () => {
    const files = Array.from({ length: 7 }, (_, i) => `/home/me/.ollama-cli/sessions/chat-${i}.json`)
    const { panel, calls } = await openImport({ history: { importable: files, importOutcome: (file) => (file.endsWith('6.json') ? 'skipped' : 'imported') } })
    expect(await within(panel).findByText('Found 7 ollama-cli session files.', { exact: false })).toBeTruthy()
    expect(within(panel).getByText('and 2 more files')).toBeTruthy()
    await userEvent.click(within(panel).getByRole('button', { name: 'Import all 7' }))
    const result = await within(panel).findByRole('status')
    expect(result.textContent).toBe('Imported 6 sessions, skipped 1 already here.')
    expect(calls.find((call) => call.route === 'sessions.import')?.input).toEqual({ paths: files })
    const list = await screen.findByRole('listbox', { name: 'Sessions' })
    await waitFor(() => expect(within(list).getAllByRole('option')).toHaveLength(6))
  })

  it('imports pasted paths, one per line, and lists the files that failed', async () => {
    const { panel, calls } = await openImport({
      history: { importOutcome: (file) => (file.includes('broken') ? 'This is not a session file: no "messages" list.' : 'imported') },
    })
    expect(await within(panel).findByText('No ollama-cli session files were found in your home folder.')).toBeTruthy()
    const submit = within(panel).getByRole('button', { name: 'Import' })
    expect(submit).toHaveProperty('disabled', true)
    await userEvent.type(within(panel).getByRole('textbox'), '  /tmp/conversations.json \n\n/tmp/broken.json\n/tmp/conversations.json')
    await userEvent.click(within(panel).getByRole('button', { name: 'Import 2 files' }))
    const result = await within(panel).findByRole('status')
    expect(result.textContent).toContain('Imported 1 session; 1 file could not be read.')
    expect(within(result).getByRole('listitem').textContent).toBe('/tmp/broken.json: This is not a session file: no "messages" list.')
    expect(calls.find((call) => call.route === 'sessions.import')?.input).toEqual({ paths: ['/tmp/conversations.json', '/tmp/broken.json'] })
    await userEvent.click(within(panel).getByRole('button', { name: 'Close import' }))
    expect(screen.queryByRole('region', { name: 'Import sessions' })).toBeNull()
  })

  it('shows the message and hint when finding or importing fails', async () => {
    const { panel } = await openImport({
      failing: {
        'sessions.importable': { code: 'E_IO', message: 'Home folder unreadable.', retryable: false },
        'sessions.import': { code: 'E_VALIDATION', message: 'Too many files.', hint: 'Import at most 10,000 at a time.', retryable: false },
      },
    })
    expect((await screen.findByRole('alert')).textContent).toContain('Home folder unreadable.')
    await userEvent.type(within(panel).getByRole('textbox'), '/tmp/a.json')
    await userEvent.click(within(panel).getByRole('button', { name: 'Import' }))
    await waitFor(() => expect(screen.getAllByRole('alert').map((alert) => alert.textContent).join()).toContain('Import at most 10,000 at a time.'))
  })

  it('reads pasted paths line by line without blanks or repeats', () => {
    expect(parsePaths(' a \r\n\nb\na\n  ')).toEqual(['a', 'b'])
  })
})

describe('Backup', () => {
  it('backs up on request and says where the copy went', async () => {
    await renderAt('#/sessions', { history: { sessions: makeSessions(1), backup: { path: '/data/sessions/backups/manual-1.sqlite', bytes: 3_145_728 } } })
    await userEvent.click(await screen.findByRole('button', { name: 'Back up now' }))
    const notice = await screen.findByText('Backed up your history (3.0 MB).')
    expect(notice.parentElement!.textContent).toContain('Saved to /data/sessions/backups/manual-1.sqlite')
  })

  it('explains a failed backup', async () => {
    await renderAt('#/sessions', { failing: { 'sessions.backup': { code: 'E_IO', message: 'The disk is full.', hint: 'Free some space and try again.', retryable: true } } })
    await userEvent.click(await screen.findByRole('button', { name: 'Back up now' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('The disk is full.')
    expect(alert.textContent).toContain('Free some space and try again.')
  })
})
