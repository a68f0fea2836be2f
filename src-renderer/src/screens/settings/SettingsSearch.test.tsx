import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { renderAt } from '../../../test/render'

const nav = () => screen.getByRole('navigation', { name: 'Settings sections' })
const sectionLink = (name: string) => within(nav()).getByRole('link', { name: new RegExp(`^${name}`) })
/** The cards on show, by their titles (level-3 headings outside hidden slots). */
const shownCards = () =>
  screen
    .queryAllByRole('heading', { level: 3 })
    .filter((heading) => !heading.closest('[hidden]'))
    .map((heading) => heading.textContent)
const shownSections = () =>
  screen
    .queryAllByRole('heading', { level: 2 })
    .filter((heading) => !heading.closest('[hidden]'))
    .map((heading) => heading.textContent)

describe('Settings: sections, search and addresses', () => {
  it('lists every section beside the cards, in order', async () => {
    await renderAt('#/settings')
    await screen.findByRole('heading', { level: 3, name: 'Appearance' })
    expect(within(nav()).getAllByRole('link').map((link) => link.textContent)).toEqual(['General', 'Chat', 'Models & Providers', 'Voice', 'Privacy', 'Data', 'Advanced'])
    expect(shownSections()).toEqual(['General', 'Chat', 'Models & Providers', 'Voice', 'Privacy', 'Data', 'Advanced'])
    expect(sectionLink('General').getAttribute('aria-current')).toBe('location')
  })

  it('a section link marks it as the one shown and puts it in the address', async () => {
    await renderAt('#/settings')
    await screen.findByRole('heading', { level: 3, name: 'Appearance' })
    await userEvent.click(sectionLink('Data'))
    expect(sectionLink('Data').getAttribute('aria-current')).toBe('location')
    expect(sectionLink('General').getAttribute('aria-current')).toBeNull()
    expect(location.hash).toBe('#/settings/data')
  })

  it('opens at the section the address names', async () => {
    await renderAt('#/settings/advanced/developer')
    await screen.findByRole('heading', { level: 3, name: 'Developer' })
    await waitFor(() => expect(sectionLink('Advanced').getAttribute('aria-current')).toBe('location'))
  })

  it('search keeps only the cards that match, by what they show or by the words for them, and counts them per section', async () => {
    await renderAt('#/settings')
    await screen.findByRole('heading', { level: 3, name: 'Appearance' })
    const search = screen.getByRole('searchbox', { name: 'Search settings' })
    // A word of the card's own text.
    await userEvent.type(search, 'push to talk')
    await waitFor(() => expect(shownCards()).toEqual(['Dictation and read aloud']))
    expect(shownSections()).toEqual(['Voice'])
    expect(within(sectionLink('Voice')).getByLabelText('1 match')).toBeTruthy()
    expect(sectionLink('General').getAttribute('aria-disabled')).toBe('true')
    expect(screen.getByText('1 group of settings matches “push to talk”').getAttribute('role')).toBe('status')
    // A word only the index knows (the card says "OpenTelemetry", a user may type "otlp").
    await userEvent.clear(search)
    await userEvent.type(search, 'otlp')
    await waitFor(() => expect(shownCards()).toEqual(['Tracing (OpenTelemetry)']))
    // Words in any order, across the section name and the card.
    await userEvent.clear(search)
    await userEvent.type(search, 'backup data')
    await waitFor(() => expect(shownCards()).toEqual(['Your data']))
  })

  it('says when nothing matches, and Escape or Clear brings everything back', async () => {
    await renderAt('#/settings')
    await screen.findByRole('heading', { level: 3, name: 'Appearance' })
    const search = screen.getByRole('searchbox', { name: 'Search settings' })
    await userEvent.type(search, 'qwertyuiop')
    expect(await screen.findByText('No setting matches “qwertyuiop”.')).toBeTruthy()
    expect(shownSections()).toEqual([])
    await userEvent.click(screen.getByRole('button', { name: 'Clear the search' }))
    await waitFor(() => expect(shownSections()).toHaveLength(7))
    await userEvent.type(search, 'theme')
    await waitFor(() => expect(shownSections()).not.toHaveLength(7))
    await userEvent.keyboard('{Escape}')
    expect((search as HTMLInputElement).value).toBe('')
    await waitFor(() => expect(shownSections()).toHaveLength(7))
  })

  it('Ctrl+F puts the cursor in the search box', async () => {
    await renderAt('#/settings')
    await screen.findByRole('heading', { level: 3, name: 'Appearance' })
    await userEvent.keyboard('{Control>}f{/Control}')
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search settings' }))
  })

  it('the command palette opens a section, and a card, directly', async () => {
    await renderAt('#/chat')
    await userEvent.keyboard('{Control>}k{/Control}')
    const palette = await screen.findByRole('dialog', { name: 'Command palette' })
    await userEvent.type(within(palette).getByRole('combobox'), 'tracing')
    // The option spells its title letter by letter (matched letters are marked): find it by its text.
    const option = within(palette).getAllByRole('option').find((o) => o.textContent === 'SettingsAdvanced › Tracing (OpenTelemetry)')
    expect(option).toBeTruthy()
    await userEvent.click(option!)
    await screen.findByRole('heading', { level: 1, name: 'Settings' })
    expect(location.hash).toBe('#/settings/advanced/tracing')
    await waitFor(() => expect(sectionLink('Advanced').getAttribute('aria-current')).toBe('location'))
    await waitFor(() => expect(document.activeElement?.id).toBe('settings-card-tracing'))
  })
})
