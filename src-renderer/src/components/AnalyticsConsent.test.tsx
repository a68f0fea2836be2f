import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { SettingsSchema } from '../../../src-shared/contract'
import { renderApp } from '../../test/render'

const settingsWith = (onboarded: boolean, analytics: object = {}) => SettingsSchema.parse({ version: 1, appearance: { theme: 'light' }, onboarding: { completed: onboarded }, analytics })
const question = () => screen.queryByRole('complementary', { name: 'Help improve Ollama Desk?' })

describe('the one-time analytics question', () => {
  it('is not asked before onboarding is done', async () => {
    await renderApp({ settings: settingsWith(false) })
    expect(question()).toBeNull()
  })

  it('asks in plain words after onboarding and says where nothing goes without an address', async () => {
    await renderApp({ settings: settingsWith(true) })
    const box = await screen.findByRole('complementary', { name: 'Help improve Ollama Desk?' })
    expect(box.textContent).toContain('Sends anonymous usage counts — never your prompts, replies, files or keys — to nowhere until you set an address in Settings.')
  })

  it('names the endpoint; "Yes, share" grants consent and the question goes away for good', async () => {
    const { settings, calls } = await renderApp({ settings: settingsWith(true, { endpoint: 'https://stats.example.org/e' }) })
    expect((await screen.findByRole('complementary')).textContent).toContain('to https://stats.example.org/e.')
    await userEvent.click(screen.getByRole('button', { name: 'Yes, share' }))
    await waitFor(() => expect(question()).toBeNull())
    expect(settings().analytics.consent).toBe('granted')
    expect(calls.filter((call) => call.route === 'analytics.setConsent').map((call) => call.input)).toEqual([{ granted: true }])
  })

  it('"No thanks" records the refusal, so it is not asked again', async () => {
    const { settings } = await renderApp({ settings: settingsWith(true) })
    await userEvent.click(await screen.findByRole('button', { name: 'No thanks' }))
    await waitFor(() => expect(question()).toBeNull())
    expect(settings().analytics.consent).toBe('denied')
  })

  it('is not asked once answered', async () => {
    await renderApp({ settings: settingsWith(true, { consent: 'denied' }) })
    await screen.findByRole('main')
    expect(question()).toBeNull()
  })

  it('a refusal from the core is shown and the question stays', async () => {
    const { api } = await renderApp({ settings: settingsWith(true) })
    const call = api.call
    api.call = ((route: string, input: never) =>
      route === 'analytics.setConsent' ? Promise.resolve({ ok: false, error: { code: 'E_IO', message: 'The settings file could not be written.', retryable: false } }) : call(route as never, input)) as typeof api.call
    await userEvent.click(await screen.findByRole('button', { name: 'Yes, share' }))
    expect(await screen.findByText('The settings file could not be written.')).toBeTruthy()
    expect(question()).not.toBeNull()
  })
})
