import { fireEvent, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { openSettingsSection } from '../../../test/settings-section'
import { parseThreshold } from './CompactionSetting'

describe('Settings → Chat → automatic compaction', () => {
  it('reads a percentage as the share of the window, and explains values it refuses', () => {
    expect(parseThreshold('85')).toEqual({ threshold: 0.85 })
    expect(parseThreshold(' 70 % ')).toEqual({ threshold: 0.7 })
    expect(parseThreshold('50')).toEqual({ threshold: 0.5 })
    expect(parseThreshold('99')).toEqual({ threshold: 0.99 })
    expect(parseThreshold('49')).toEqual({ error: 'The compaction threshold must be at least 50 % of the window.' })
    expect(parseThreshold('100')).toEqual({ error: 'The compaction threshold must be at most 99 % of the window.' })
    expect(parseThreshold('')).toEqual({ error: 'Enter a percentage of the context window, like 85.' })
    expect(parseThreshold('eighty')).toEqual({ error: 'Enter a percentage of the context window, like 85.' })
    expect(parseThreshold('-60')).toEqual({ error: 'Enter a percentage of the context window, like 85.' })
  })

  it('shows 85 % by default, saves a new threshold, and turns automatic compaction off and on', async () => {
    const { section, settings } = await openSettingsSection('New chats')
    const field = section.getByRole('textbox', { name: 'Compact from (% of the context window)' }) as HTMLInputElement
    expect(field.value).toBe('85')
    await userEvent.clear(field)
    await userEvent.type(field, '70{Enter}')
    await waitFor(() => expect(settings().compaction.threshold).toBe(0.7))
    expect(field.value).toBe('70')

    await userEvent.click(section.getByRole('checkbox', { name: /Summarise older messages when a chat nears its context window/ }))
    await waitFor(() => expect(settings().compaction.auto).toBe(false))
    expect(field.disabled).toBe(true)
    await userEvent.click(section.getByRole('checkbox', { name: /Summarise older messages/ }))
    await waitFor(() => expect(settings().compaction.auto).toBe(true))
  })

  it('keeps the saved threshold and says why when the value is out of range or not a number', async () => {
    const { section, settings, calls } = await openSettingsSection('New chats')
    const field = section.getByRole('textbox', { name: 'Compact from (% of the context window)' }) as HTMLInputElement
    await userEvent.clear(field)
    await userEvent.type(field, '30')
    fireEvent.blur(field)
    expect((await section.findByRole('alert')).textContent).toBe('The compaction threshold must be at least 50 % of the window. It stays at 85 %.')
    expect(field.getAttribute('aria-invalid')).toBe('true')

    await userEvent.clear(field)
    await userEvent.type(field, 'lots{Enter}')
    expect((await section.findByRole('alert')).textContent).toBe('Enter a percentage of the context window, like 85. It stays at 85 %.')
    expect(settings().compaction.threshold).toBe(0.85)
    expect(calls.filter((call) => call.route === 'settings.update' && 'compaction' in (call.input as object))).toEqual([])

    // Typing again clears the error; a good value is saved.
    await userEvent.clear(field)
    expect(section.queryByRole('alert')).toBeNull()
    await userEvent.type(field, '90{Enter}')
    await waitFor(() => expect(settings().compaction.threshold).toBe(0.9))
  })
})
