import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { renderAt } from '../../../test/render'
import { makeMessage, makeSession, sessionId } from '../../../test/session-fixtures'
import { openSettingsSection } from '../../../test/settings-section'

const root = document.documentElement

describe('Settings → Chat → Messages', () => {
  it('sets the text size, code colours and density, applies them to the page, and saves them', async () => {
    const { section, settings } = await openSettingsSection('Messages')
    const size = section.getByRole('slider', { name: /Font size: 14 px/ })
    await waitFor(() => expect(root.style.getPropertyValue('--chat-font-size')).toBe('14px'))
    expect(root.dataset.density).toBe('comfortable')
    expect(root.dataset.codeTheme).toBe('default')

    fireEvent.change(size, { target: { value: '17' } })
    await waitFor(() => expect(settings().display.fontSize).toBe(17))
    await waitFor(() => expect(root.style.getPropertyValue('--chat-font-size')).toBe('17px'))
    expect(section.getByRole('slider', { name: /Font size: 17 px/ })).toBeTruthy()

    await userEvent.selectOptions(section.getByRole('combobox', { name: 'Code theme' }), 'plain')
    await waitFor(() => expect(settings().display.codeTheme).toBe('plain'))
    await waitFor(() => expect(root.dataset.codeTheme).toBe('plain'))

    await userEvent.click(section.getByRole('radio', { name: 'Compact' }))
    await waitFor(() => expect(settings().display.density).toBe('compact'))
    await waitFor(() => expect(root.dataset.density).toBe('compact'))
  })

  it('the token line is off by default; turning it on shows it in the preview and under replies', async () => {
    const { section, settings } = await openSettingsSection('Messages')
    const preview = section.getByRole('group', { name: 'Preview' })
    expect(within(preview).queryByText(/tok\/s/)).toBeNull()
    await userEvent.click(section.getByRole('checkbox', { name: /Show token counts, speed and time to first token/ }))
    await waitFor(() => expect(settings().display.showTokenEstimates).toBe(true))
    expect(await within(preview).findByText('31.5 tok/s')).toBeTruthy()
  })

  it('a reply shows what it cost, but no token counts, until they are asked for', async () => {
    const id = sessionId(0)
    const reply = makeMessage(id, 1, { usage: { inputTokens: 1200, outputTokens: 30, estimated: true }, cost: 0.0012, timings: { totalMs: 2300, firstTokenMs: 300 } })
    const free = makeMessage(id, 3, { usage: { inputTokens: 10, outputTokens: 5 }, cost: 0, timings: { totalMs: 900 } })
    await renderAt(`#/chat/${id}`, { history: { sessions: [makeSession(0)], messages: { [id]: [makeMessage(id, 0), reply, makeMessage(id, 2), free] } } })
    const articles = await screen.findAllByRole('article')
    expect(within(articles[1]!).getByText('$0.0012')).toBeTruthy()
    expect(within(articles[1]!).queryByText(/tokens/)).toBeNull()
    expect(within(articles[1]!).queryByText(/first token/)).toBeNull()
    // A free reply has no line at all.
    expect(articles[3]!.querySelector('.message-meta')).toBeNull()
  })
})
