import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { renderAt } from '../../test/render'
import { updateSettings } from '../store/bootstrap'

const sheet = () => screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })

describe('keyboard shortcuts sheet and sidebar groups', () => {
  it('? opens the sheet with every shortcut by where it works; Esc closes it and gives the focus back', async () => {
    await renderAt('#/sessions')
    await screen.findByRole('heading', { level: 1, name: 'Sessions' })
    const before = document.activeElement
    await userEvent.keyboard('?')
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' })
    expect(within(dialog).getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['Anywhere', 'Chat', 'Sessions', 'Settings', 'Tool approvals'])
    const anywhere = within(dialog).getByRole('region', { name: 'Anywhere' })
    expect(within(anywhere).getByText('Command palette: screens, commands, settings and your chats')).toBeTruthy()
    for (const label of ['Chat', 'Sessions', 'Models', 'Providers & Health', 'Agents', 'Tools & MCP', 'Cluster', 'Settings']) expect(within(anywhere).getByText(`Go to ${label}`)).toBeTruthy()
    expect(within(dialog).getByText('Find in this chat')).toBeTruthy()
    expect(within(dialog).getByText('Send (Shift+Enter for a new line)')).toBeTruthy()
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Close keyboard shortcuts' }))
    await userEvent.keyboard('{Escape}')
    expect(sheet()).toBeNull()
    expect(document.activeElement).toBe(before)
  })

  it('? typed in a text box is just a character', async () => {
    await renderAt('#/settings')
    const search = await screen.findByRole('searchbox', { name: 'Search settings' })
    await userEvent.type(search, 'what?')
    expect((search as HTMLInputElement).value).toBe('what?')
    expect(sheet()).toBeNull()
  })

  it('the palette opens it too, and it follows the chosen send key', async () => {
    const { api } = await renderAt('#/chat')
    await updateSettings(api, { chat: { sendKey: 'mod-enter' } })
    await userEvent.keyboard('{Control>}k{/Control}')
    const palette = await screen.findByRole('dialog', { name: 'Command palette' })
    await userEvent.type(within(palette).getByRole('combobox'), 'keyboard shortcuts')
    await userEvent.keyboard('{Enter}')
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' })
    await waitFor(() => expect(within(dialog).getByText('Send (Enter for a new line)')).toBeTruthy())
  })

  it('the sidebar lists everyday screens first, Cluster under Advanced, and Settings last', async () => {
    await renderAt('#/chat')
    const nav = await screen.findByRole('navigation', { name: 'Main' })
    const lists = within(nav).getAllByRole('list')
    expect(lists.map((list) => within(list).getAllByRole('link').map((link) => link.textContent))).toEqual([
      ['Chat', 'Sessions', 'Models', 'Providers & Health', 'Agents', 'Tools & MCP'],
      ['Cluster'],
      ['Settings'],
    ])
    expect(within(nav).getByRole('list', { name: 'Advanced' })).toBe(lists[1])
  })
})
