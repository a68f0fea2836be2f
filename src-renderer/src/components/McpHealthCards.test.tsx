import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { FakeApiOptions } from '../../test/fake-api'
import { renderAt } from '../../test/render'

const openProviders = async (mcp: FakeApiOptions['mcp']) => {
  const rendered = await renderAt('#/providers', { mcp })
  await screen.findByRole('heading', { level: 1, name: 'Providers & Health' })
  return rendered
}

describe('MCP status on Providers & Health', () => {
  it('shows a card per server with its state, what it offers and its last error, following mcp.changed', async () => {
    const { mcp } = await openProviders({
      servers: [
        { name: 'github', transport: 'stdio', command: 'npx', status: { tools: 3, prompts: 1, latencyMs: 25 } },
        { name: 'docs', transport: 'http', url: 'https://docs.example/mcp', status: { state: 'error', lastError: '401 Unauthorized', latencyMs: null, restarts: 2 } },
      ],
    })
    const card = await screen.findByRole('article', { name: 'github MCP status' })
    expect(within(card).getByText('connected')).toBeTruthy()
    expect(within(card).getByText('3 tools · 0 resources · 1 prompt')).toBeTruthy()
    expect(within(card).getByText('25 ms')).toBeTruthy()
    const docs = screen.getByRole('article', { name: 'docs MCP status' })
    expect(within(docs).getByText('error')).toBeTruthy()
    expect(within(docs).getByText('Last error: 401 Unauthorized')).toBeTruthy()
    expect(within(docs).getByText('0 tools · 0 resources · 0 prompts · 2 restarts')).toBeTruthy()

    mcp.setStatus('docs', { state: 'connected', lastError: null, tools: 4, latencyMs: 9 })
    await waitFor(() => expect(within(screen.getByRole('article', { name: 'docs MCP status' })).getByText('connected')).toBeTruthy())
    expect(within(screen.getByRole('article', { name: 'docs MCP status' })).queryByText(/Last error/)).toBeNull()
  })

  it('stays out of the way without MCP servers, and appears when one reports', async () => {
    const { calls, mcp } = await openProviders({})
    await waitFor(() => expect(calls.some((c) => c.route === 'mcp.list')).toBe(true))
    expect(screen.getByRole('region', { name: 'Health' })).toBeTruthy()
    expect(screen.queryByRole('region', { name: 'MCP servers' })).toBeNull()
    mcp.setStatus('late', { state: 'connecting', latencyMs: null })
    const region = await screen.findByRole('region', { name: 'MCP servers' })
    expect(within(within(region).getByRole('article', { name: 'late MCP status' })).getByText('connecting')).toBeTruthy()
  })
})
