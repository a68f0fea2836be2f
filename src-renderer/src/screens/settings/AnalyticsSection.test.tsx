import { waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { SettingsSchema } from '../../../../src-shared/contract'
import { openSettingsSection } from '../../../test/settings-section'

const openAnalytics = (analytics: object = { consent: 'denied' }) =>
  openSettingsSection('Usage analytics', { settings: SettingsSchema.parse({ version: 1, appearance: { theme: 'light' }, onboarding: { completed: true }, analytics }) })

describe('Settings → Usage analytics', () => {
  it('is off when refused and says what would and would never be sent', async () => {
    const { section } = await openAnalytics()
    expect(section.getByRole('switch', { name: 'Share anonymous usage counts' })).toHaveProperty('checked', false)
    expect(section.getByText(/Never your prompts, replies, files, paths or keys/)).toBeTruthy()
    expect((await section.findByLabelText('Analytics status')).textContent).toBe('Off: nothing is recorded or sent.')
    expect(section.queryByText(/Install id/)).toBeNull()
    expect(section.getByText('Nothing has been sent.')).toBeTruthy()
  })

  it('turning it on shows the install id and that nothing goes out without an endpoint; Reset id gives a new one', async () => {
    const { section, settings } = await openAnalytics()
    await userEvent.click(section.getByRole('switch'))
    await waitFor(() => expect(settings().analytics.consent).toBe('granted'))
    expect(await section.findByText('00000000-0000-4000-8000-000000000001')).toBeTruthy()
    expect(section.getByLabelText('Analytics status').textContent).toBe('On, but no endpoint is set: nothing is sent.')
    await userEvent.click(section.getByRole('button', { name: 'Reset id' }))
    expect(await section.findByText('00000000-0000-4000-8000-000000000002')).toBeTruthy()
    await userEvent.click(section.getByRole('switch'))
    await waitFor(() => expect(settings().analytics.consent).toBe('denied'))
    await waitFor(() => expect(section.queryByText(/Install id/)).toBeNull())
  })

  it('refuses a non-http endpoint before saving, saves a good one, and allows clearing it', async () => {
    const { section, settings } = await openAnalytics()
    const field = section.getByRole('textbox', { name: /Endpoint/ })
    await userEvent.type(field, 'file:///etc/passwd')
    expect(section.getByRole('alert').textContent).toMatch(/http:\/\/ or https:\/\//)
    expect(section.getByRole('button', { name: 'Save endpoint' })).toHaveProperty('disabled', true)
    await userEvent.clear(field)
    await userEvent.type(field, 'https://stats.example.org/events')
    await userEvent.click(section.getByRole('button', { name: 'Save endpoint' }))
    await waitFor(() => expect(settings().analytics.endpoint).toBe('https://stats.example.org/events'))
    await userEvent.clear(field)
    expect(section.queryByRole('alert')).toBeNull()
    await userEvent.click(section.getByRole('button', { name: 'Save endpoint' }))
    await waitFor(() => expect(settings().analytics.endpoint).toBe(''))
  })

  it('lists every sent event with its time, type, fields and outcome, and updates as batches go out', async () => {
    const { section, analytics } = await openAnalytics({ consent: 'granted', endpoint: 'https://stats.example.org/events' })
    analytics.deliver([
      { at: Date.now(), type: 'app_started', fields: { version: '1.0.0', platform: 'linux', mode: 'electron' }, outcome: 'sent' },
      { at: Date.now(), type: 'chat_completed', fields: { provider_kind: 'openai', tool_calls: 0, fell_back: false }, outcome: 'failed', error: 'the endpoint answered HTTP 503' },
    ])
    const table = await section.findByRole('table', { name: 'Sent events' })
    const rows = within(table).getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell').slice(1).map((cell) => cell.textContent))
    expect(rows).toEqual([
      ['chat_completed', 'provider_kind=openai, tool_calls=0, fell_back=false', 'Failed: the endpoint answered HTTP 503'],
      ['app_started', 'version=1.0.0, platform=linux, mode=electron', 'Sent'],
    ])
    expect(section.getByLabelText('Analytics status').textContent).toBe('On · 1 event sent · 1 failed · last error: the endpoint answered HTTP 503')
  })
})
