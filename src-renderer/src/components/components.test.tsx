import { act, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { renderApp } from '../../test/render'
import { useAppStore } from '../store/app-store'
import { ErrorBoundary } from './ErrorBoundary'

function Bomb({ explode, hint }: { explode: boolean; hint?: string }) {
  if (explode) throw Object.assign(new Error('The model list is corrupt.'), hint ? { hint } : {})
  return <p>All good</p>
}

describe('ErrorBoundary', () => {
  it('shows the error message and hint, never a stack, and recovers on retry', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    function Harness() {
      const [explode, setExplode] = useState(true)
      return (
        <>
          <button type="button" onClick={() => setExplode(false)}>fix</button>
          <ErrorBoundary>
            <Bomb explode={explode} hint="Delete the cache and retry." />
          </ErrorBoundary>
        </>
      )
    }
    render(<Harness />)
    const alert = screen.getByRole('alert')
    expect(alert.textContent).toContain('The model list is corrupt.')
    expect(alert.textContent).toContain('Delete the cache and retry.')
    expect(alert.textContent).not.toMatch(/at Bomb|\.tsx:/)
    await userEvent.click(screen.getByText('fix'))
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(screen.getByText('All good')).toBeTruthy()
  })

  it('gives a generic hint when the error has none, and resets when its key changes', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const { rerender } = render(
      <ErrorBoundary resetKey="a">
        <Bomb explode />
      </ErrorBoundary>,
    )
    expect(screen.getByRole('alert').textContent).toContain('the log in the data folder')
    rerender(
      <ErrorBoundary resetKey="b">
        <Bomb explode={false} />
      </ErrorBoundary>,
    )
    expect(screen.getByText('All good')).toBeTruthy()
  })
})

describe('Ollama status card', () => {
  it('explains how to start Ollama when it is not reachable, and checks again on request', async () => {
    const { calls } = await renderApp({ status: { host: 'http://127.0.0.1:11434', reachable: false, error: 'connection refused' } })
    expect(await screen.findByText('Ollama is not reachable')).toBeTruthy()
    expect(screen.getByText(/connection refused/)).toBeTruthy()
    expect(await within(await screen.findByRole('region', { name: 'Ollama status' })).findByRole('button', { name: 'Install Ollama' })).toBeTruthy()
    const before = calls.filter((call) => call.route === 'ollama.status').length
    await userEvent.click(screen.getByRole('button', { name: 'Check again' }))
    expect(calls.filter((call) => call.route === 'ollama.status').length).toBe(before + 1)
    expect(screen.queryByText(/arrives with the onboarding wizard/)).toBeNull()
  })

  it('offers Install when Ollama is missing, with progress, and checks again once installed', async () => {
    const { installer, calls } = await renderApp({ status: { host: 'http://127.0.0.1:11434', reachable: false }, installer: { detection: { reachable: false, installs: [] } } })
    await userEvent.click(await within(await screen.findByRole('region', { name: 'Ollama status' })).findByRole('button', { name: 'Install Ollama' }))
    await waitFor(() => installer.progress({ phase: 'download', bytes: 1, total: 2 }))
    expect((await screen.findByText(/Installing Ollama… \(download\)/)).getAttribute('role')).toBe('status')
    const before = calls.filter((call) => call.route === 'ollama.status').length
    await waitFor(() => installer.finish())
    await waitFor(() => expect(calls.filter((call) => call.route === 'ollama.status').length).toBeGreaterThan(before))
  })

  it('offers Start for the Ollama it installed that is stopped', async () => {
    const installs = [{ path: '/home/u/.local/share/ollama-desk/ollama/bin/ollama', kind: 'ours' as const, ours: true, version: '0.12.6' }]
    const { calls } = await renderApp({ status: { host: 'http://127.0.0.1:11434', reachable: false }, installer: { detection: { reachable: false, installs } } })
    await userEvent.click(await within(await screen.findByRole('region', { name: 'Ollama status' })).findByRole('button', { name: 'Start Ollama' }))
    await waitFor(() => expect(calls.some((call) => call.route === 'ollama.start')).toBe(true))
  })

  it('shows a refused probe as an alert', async () => {
    await renderApp({ status: { code: 'E_INTERNAL', message: 'Probe crashed', retryable: false } })
    expect((await screen.findByRole('alert')).textContent).toContain('Probe crashed')
  })
})

describe('bootstrap', () => {
  it('surfaces failures to load info and settings as notices', async () => {
    await renderApp({
      failing: {
        'app.info': { code: 'E_INTERNAL', message: 'No info', retryable: false },
        'settings.get': { code: 'E_CONFIG', message: 'Settings unreadable', hint: 'Check the file', retryable: false },
      },
    })
    const alerts = await screen.findAllByRole('alert')
    expect(alerts.map((alert) => alert.textContent).join(' ')).toMatch(/No info.*Settings unreadable/)
  })
})

describe('Notices', () => {
  it('offer an action that also dismisses, and expire when asked to', async () => {
    await renderApp()
    const run = vi.fn()
    act(() => useAppStore.getState().notify({ level: 'info', message: 'Moved to the trash', action: { label: 'Undo', run } }))
    await userEvent.click(screen.getByRole('button', { name: 'Undo' }))
    expect(run).toHaveBeenCalledOnce()
    expect(screen.queryByText('Moved to the trash')).toBeNull()
    // The notice's own timer on a fake clock: it is there until its moment, and gone at it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      act(() => useAppStore.getState().notify({ level: 'info', message: 'Short-lived', timeoutMs: 5000 }))
      act(() => vi.advanceTimersByTime(4999))
      expect(screen.getByText('Short-lived')).toBeTruthy()
      act(() => vi.advanceTimersByTime(1))
      expect(screen.queryByText('Short-lived')).toBeNull()
    } finally {
      vi.useRealTimers()
    }
  })
})
