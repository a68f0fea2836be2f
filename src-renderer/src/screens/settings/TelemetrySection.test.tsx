import { waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { openSettingsSection } from '../../../test/settings-section'

const openTracing = (options: Parameters<typeof openSettingsSection>[1] = {}) => openSettingsSection('Tracing (OpenTelemetry)', options)

describe('Settings → Tracing', () => {
  it('is off by default and says what would be sent', async () => {
    const { section } = await openTracing()
    expect(section.getByRole('switch', { name: 'Send traces to an OpenTelemetry collector' })).toHaveProperty('checked', false)
    expect(section.getByText(/timings, token counts, model and provider names and error classes/)).toBeTruthy()
    expect(section.getByText(/Prompts, replies and tool output are never sent/)).toBeTruthy()
    expect(await section.findByLabelText('Tracing status')).toHaveProperty('textContent', 'Off · 0 spans exported · 0 failed')
  })

  it('turns tracing on and off through the settings', async () => {
    const { section, settings } = await openTracing()
    await userEvent.click(section.getByRole('switch'))
    await waitFor(() => expect(settings().telemetry.enabled).toBe(true))
    await waitFor(() => expect(section.getByLabelText('Tracing status').textContent).toMatch(/^On/))
    await userEvent.click(section.getByRole('switch'))
    await waitFor(() => expect(settings().telemetry.enabled).toBe(false))
  })

  it('refuses a non-http endpoint before saving, and saves a good one', async () => {
    const { section, settings, calls } = await openTracing()
    const field = section.getByRole('textbox', { name: 'Collector endpoint (OTLP/HTTP)' })
    await userEvent.clear(field)
    await userEvent.type(field, 'ftp://collector/v1/traces')
    expect(section.getByRole('alert').textContent).toMatch(/http:\/\/ or https:\/\//)
    expect(section.getByRole('button', { name: 'Save endpoint' })).toHaveProperty('disabled', true)
    expect(section.getByRole('button', { name: 'Send test span' })).toHaveProperty('disabled', true)
    await userEvent.clear(field)
    await userEvent.type(field, 'http://collector.lan:4318/v1/traces')
    expect(section.queryByRole('alert')).toBeNull()
    await userEvent.click(section.getByRole('button', { name: 'Save endpoint' }))
    await waitFor(() => expect(settings().telemetry.endpoint).toBe('http://collector.lan:4318/v1/traces'))
    expect(calls.filter((c) => c.route === 'settings.update').at(-1)?.input).toEqual({ telemetry: { endpoint: 'http://collector.lan:4318/v1/traces' } })
  })

  it('sends a test span to the typed endpoint and shows the answer, success or failure', async () => {
    const down = 'http://127.0.0.1:9/v1/traces'
    const { section, calls } = await openTracing({
      telemetry: { tests: { [down]: { code: 'E_NETWORK', message: `The collector at ${down} did not accept the test span: connect ECONNREFUSED 127.0.0.1:9.`, hint: 'Check that a collector is running.', retryable: true } } },
    })
    await userEvent.click(section.getByRole('button', { name: 'Send test span' }))
    expect((await section.findByLabelText('Test span result')).textContent).toBe('The collector accepted the test span (4 ms).')
    // The test span is not one of the app's spans: the counts stay.
    expect(section.getByLabelText('Tracing status').textContent).toContain('0 spans exported')

    const field = section.getByRole('textbox', { name: 'Collector endpoint (OTLP/HTTP)' })
    await userEvent.clear(field)
    await userEvent.type(field, down)
    await userEvent.click(section.getByRole('button', { name: 'Send test span' }))
    await waitFor(() => expect(section.getByLabelText('Test span result').textContent).toContain('ECONNREFUSED'))
    expect(section.getByLabelText('Test span result').textContent).toContain('Check that a collector is running.')
    expect(calls.filter((c) => c.route === 'telemetry.test').map((c) => c.input)).toEqual([{ endpoint: 'http://127.0.0.1:4318/v1/traces' }, { endpoint: down }])
  })

  it('shows lost spans and the last error', async () => {
    const { section } = await openTracing({ telemetry: { counts: { exported: 12, failed: 3, lastError: 'connect ECONNREFUSED 127.0.0.1:4318' } } })
    expect((await section.findByLabelText('Tracing status')).textContent).toBe('Off · 12 spans exported · 3 failed · last error: connect ECONNREFUSED 127.0.0.1:4318')
  })
})
