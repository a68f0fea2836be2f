import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { renderApp } from '../test/render'
import { useAppStore } from './store/app-store'

const heading = (name: string) => screen.findByRole('heading', { level: 1, name })

describe('App shell', () => {
  it('starts on Chat with the Ollama status as a dot in the sidebar, its details one click away', async () => {
    await renderApp()
    await heading('Chat')
    const dot = await screen.findByRole('button', { name: 'Ollama 0.12.6: running' })
    expect(dot.textContent).toContain('Ollama 0.12.6')
    // All is well: no full status card takes room on the Chat screen.
    expect(screen.queryByRole('region', { name: 'Ollama status' })).toBeNull()
    await userEvent.click(dot)
    const details = screen.getByRole('dialog', { name: 'Ollama status' })
    expect(details.textContent).toContain('http://127.0.0.1:11434')
    expect(details.textContent).toMatch(/Answered in\d+ ms/)
    expect(screen.getByRole('status', { name: '' }).textContent).toContain('Web companion')
  })

  it('navigates from the sidebar and updates the address', async () => {
    await renderApp()
    const nav = screen.getByRole('navigation', { name: 'Main' })
    await userEvent.click(within(nav).getByRole('link', { name: 'Sessions' }))
    await heading('Sessions')
    expect(location.hash).toBe('#/sessions')
    expect(within(nav).getByRole('link', { name: 'Sessions' }).getAttribute('aria-current')).toBe('page')
    expect(await screen.findByText(/Chats you have appear here/)).toBeTruthy()
  })

  it('follows the address when it changes (back and forward)', async () => {
    await renderApp()
    act(() => {
      location.hash = '#/tools'
      window.dispatchEvent(new HashChangeEvent('hashchange'))
    })
    await heading('Tools & MCP')
    act(() => {
      location.hash = '#/nonsense'
      window.dispatchEvent(new HashChangeEvent('hashchange'))
    })
    await heading('Chat')
  })

  it('switches screens with Ctrl+number and ignores other chords', async () => {
    await renderApp()
    fireEvent.keyDown(window, { key: '8', ctrlKey: true })
    await heading('Settings')
    fireEvent.keyDown(window, { key: '7', ctrlKey: true })
    await heading('Cluster')
    fireEvent.keyDown(window, { key: '2', metaKey: true })
    await heading('Sessions')
    fireEvent.keyDown(window, { key: '3' })
    fireEvent.keyDown(window, { key: '3', ctrlKey: true, altKey: true })
    fireEvent.keyDown(window, { key: '9', ctrlKey: true })
    await heading('Sessions')
  })

  it('opens the command palette with Ctrl+K and runs the highlighted command', async () => {
    await renderApp()
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true })
    const input = await screen.findByRole('combobox')
    await userEvent.type(input, 'agnt')
    const options = screen.getAllByRole('option')
    expect(options[0]?.textContent).toContain('Go to Agents')
    await userEvent.keyboard('{Enter}')
    await heading('Agents')
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('moves through palette results with the arrow keys and closes on Escape', async () => {
    await renderApp()
    await userEvent.click(screen.getByRole('button', { name: /^Search…/ }))
    const input = await screen.findByRole('combobox')
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowUp}')
    const selected = screen.getAllByRole('option').findIndex((option) => option.getAttribute('aria-selected') === 'true')
    expect(selected).toBe(1)
    expect(input.getAttribute('aria-activedescendant')).toBe('palette-go.sessions')
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('says so when nothing matches, and toggles shut with Ctrl+K', async () => {
    await renderApp()
    fireEvent.keyDown(window, { key: 'K', ctrlKey: true })
    await userEvent.type(await screen.findByRole('combobox'), 'zzzz')
    expect(await screen.findByText(/No command or chat matches/)).toBeTruthy()
    await userEvent.keyboard('{Enter}')
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true })
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('changes the theme from the palette', async () => {
    const { settings } = await renderApp()
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true })
    await userEvent.type(await screen.findByRole('combobox'), 'theme dark')
    await userEvent.keyboard('{Enter}')
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'))
    expect(settings().appearance.theme).toBe('dark')
  })

  it('routes the remaining palette commands to their screens, clicking with the mouse', async () => {
    await renderApp()
    for (const [query, target] of [['diagnostics', 'Settings'], ['check ollama', 'Models']] as const) {
      act(() => useAppStore.getState().setPaletteOpen(true))
      // The palette's own box and options: the screen behind it may have selects of its own.
      const palette = within(await screen.findByRole('dialog'))
      await userEvent.type(palette.getByRole('combobox'), query)
      const option = palette.getAllByRole('option')[0]!
      await userEvent.hover(option)
      await userEvent.click(option)
      await heading(target)
    }
  })

  it('closes the palette when the backdrop is clicked', async () => {
    const { view } = await renderApp()
    act(() => useAppStore.getState().setPaletteOpen(true))
    await screen.findByRole('dialog')
    fireEvent.mouseDown(view.container.querySelector('.palette-backdrop')!)
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('keeps the theme in sync with pushed settings', async () => {
    const { emit, settings } = await renderApp()
    act(() => emit('settings.changed', { ...settings(), appearance: { theme: 'dark', accent: '#ef4444' } }))
    await waitFor(() => expect(document.documentElement.style.getPropertyValue('--accent')).toBe('#ef4444'))
  })

  it('shows pushed notices and lets the user dismiss them', async () => {
    const { emit } = await renderApp()
    act(() => emit('app.notice', { level: 'warning', message: 'Settings were reset', hint: 'A backup was kept' }))
    expect(await screen.findByText('Settings were reset')).toBeTruthy()
    expect(screen.getByText('A backup was kept')).toBeTruthy()
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByText('Settings were reset')).toBeNull()
  })

  it('the skip link moves focus to the screen title', async () => {
    await renderApp()
    await userEvent.click(screen.getByText('Skip to content'))
    expect(document.activeElement?.id).toBe('screen-title')
  })

  it('shows every connection state in the sidebar', async () => {
    await renderApp()
    const status = () => screen.getByText(/Connecting|Disconnected|Web companion|Desktop/)
    act(() => useAppStore.getState().setConnection('connecting'))
    expect(status().textContent).toContain('Connecting')
    act(() => useAppStore.getState().setConnection('closed'))
    expect(status().textContent).toContain('Disconnected')
    act(() => {
      useAppStore.getState().setConnection('open')
      useAppStore.getState().setTransport('electron')
    })
    expect(status().textContent).toContain('Desktop')
  })
})
