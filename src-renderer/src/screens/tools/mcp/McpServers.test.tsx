import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import type { FakeApiOptions } from '../../../../test/fake-api'
import { renderAt } from '../../../../test/render'
import { useWorkspace } from '../../../store/workspace-store'

const github = { name: 'github', transport: 'stdio' as const, command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], description: 'Issues and PRs', secretEnv: ['GITHUB_TOKEN'] }
const docs = { name: 'docs', transport: 'http' as const, url: 'https://docs.example/mcp', enabled: false }
const githubTools = { github: [{ name: 'create_issue', description: 'Open an issue' }, { name: 'list_prs', description: 'List pull requests' }] }

const open = async (mcp: FakeApiOptions['mcp'] = {}) => {
  const rendered = await renderAt('#/tools', { mcp })
  const region = screen.getByRole('region', { name: 'MCP servers' })
  await waitFor(() => expect(within(region).queryByText('Loading servers…')).toBeNull())
  return { ...rendered, region }
}
const row = (name: string) => within(screen.getByRole('list', { name: 'Servers' })).getByRole('listitem', { name })
const saves = (calls: { route: string; input: unknown }[]) => calls.filter((c) => c.route === 'mcp.save').map((c) => c.input)
const form = () => screen.getByRole('form', { name: 'Add an MCP server' })
const field = (name: string) => within(form()).getByRole('textbox', { name })

beforeEach(() => {
  useWorkspace.setState({ path: '' })
})

describe('MCP server list', () => {
  it('shows each server with its transport, command or URL, description, secrets by name and live status', async () => {
    await open({ servers: [github, docs], tools: githubTools })
    const gh = row('github')
    expect(within(gh).getByText('stdio')).toBeTruthy()
    expect(within(gh).getByText('npx -y @modelcontextprotocol/server-github')).toBeTruthy()
    expect(within(gh).getByText('Issues and PRs')).toBeTruthy()
    expect(within(gh).getByLabelText('State: connected').textContent).toBe('connected')
    expect(within(gh).getByText(/^2 tools · 12 ms/)).toBeTruthy()
    expect(within(gh).getByText('GITHUB_TOKEN').parentElement?.textContent).toContain('set')
    expect(within(gh).getByRole('switch', { name: 'Enable github' })).toHaveProperty('checked', true)
    const d = row('docs')
    expect(within(d).getByText('https://docs.example/mcp')).toBeTruthy()
    expect(within(d).getByLabelText('State: disabled')).toBeTruthy()
    expect(within(d).getByRole('switch', { name: 'Enable docs' })).toHaveProperty('checked', false)
  })

  it('follows mcp.changed: state, tool count, last error, latency and restarts', async () => {
    const { mcp } = await open({ servers: [github], tools: githubTools })
    mcp.setStatus('github', { state: 'error', lastError: 'spawn npx ENOENT', latencyMs: null, restarts: 3, tools: 0 })
    await waitFor(() => expect(within(row('github')).getByLabelText('State: error')).toBeTruthy())
    expect(within(row('github')).getByText('Last error: spawn npx ENOENT')).toBeTruthy()
    expect(within(row('github')).getByText(/^0 tools · 3 restarts/)).toBeTruthy()
    mcp.setStatus('github', { state: 'connected', lastError: null, latencyMs: 40, tools: 2 })
    await waitFor(() => expect(within(row('github')).getByLabelText('State: connected')).toBeTruthy())
    expect(within(row('github')).queryByText(/Last error/)).toBeNull()
    expect(within(row('github')).getByText(/^2 tools · 40 ms · 3 restarts/)).toBeTruthy()
  })

  it('shows a remote server reconnecting with the attempt coming and its time, then the attempt under way', async () => {
    const { mcp } = await open({ servers: [github], tools: githubTools })
    const nextAttemptAt = Date.UTC(2026, 0, 2, 9, 30, 15)
    mcp.setStatus('github', { state: 'reconnecting', lastError: 'lost the connection (ECONNREFUSED)', restarts: 2, tools: 0, latencyMs: null, retry: { attempt: 3, nextAttemptAt } })
    await waitFor(() => expect(within(row('github')).getByLabelText('State: reconnecting')).toBeTruthy())
    expect(within(row('github')).getByText(`0 tools · 2 restarts · attempt 3 at ${new Date(nextAttemptAt).toLocaleTimeString()} · github 1.0.0`)).toBeTruthy()
    mcp.setStatus('github', { retry: { attempt: 3, nextAttemptAt: null } })
    await waitFor(() => expect(within(row('github')).getByText('0 tools · 2 restarts · attempt 3 under way · github 1.0.0')).toBeTruthy())
    mcp.setStatus('github', { state: 'signing-in', retry: undefined })
    await waitFor(() => expect(within(row('github')).getByLabelText('State: signing-in')).toBeTruthy())
    expect(within(row('github')).queryByText(/attempt/)).toBeNull()
  })

  it('switches a server off and on with mcp.save, keeping the rest of its config', async () => {
    const { calls, mcp } = await open({ servers: [github] })
    await userEvent.click(within(row('github')).getByRole('switch', { name: 'Enable github' }))
    await waitFor(() => expect(within(row('github')).getByRole('switch', { name: 'Enable github' })).toHaveProperty('checked', false))
    expect(saves(calls)).toEqual([{ config: expect.objectContaining({ name: 'github', command: 'npx', secretEnv: ['GITHUB_TOKEN'], enabled: false }) }])
    expect(mcp.config('github')?.enabled).toBe(false)
    expect(within(row('github')).getByLabelText('State: disabled')).toBeTruthy()
    await userEvent.click(within(row('github')).getByRole('switch', { name: 'Enable github' }))
    await waitFor(() => expect(mcp.config('github')?.enabled).toBe(true))
  })

  it('restarts a server and shows the new restart count', async () => {
    const { calls } = await open({ servers: [github] })
    await userEvent.click(within(row('github')).getByRole('button', { name: 'Restart' }))
    await waitFor(() => expect(within(row('github')).getByLabelText('State: restarting')).toBeTruthy())
    expect(within(row('github')).getByText(/· 1 restart ·/)).toBeTruthy()
    expect(calls.filter((c) => c.route === 'mcp.restart').map((c) => c.input)).toEqual([{ name: 'github' }])
  })

  it('removes a server only after an inline confirmation', async () => {
    const { calls, mcp } = await open({ servers: [github, docs] })
    await userEvent.click(within(row('github')).getByRole('button', { name: 'Remove…' }))
    expect(within(row('github')).getByText('Remove github and its secrets?')).toBeTruthy()
    await userEvent.click(within(row('github')).getByRole('button', { name: 'Keep' }))
    expect(calls.some((c) => c.route === 'mcp.remove')).toBe(false)
    await userEvent.click(within(row('github')).getByRole('button', { name: 'Remove…' }))
    await userEvent.click(within(row('github')).getByRole('button', { name: 'Remove' }))
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Servers' })).queryByRole('listitem', { name: 'github' })).toBeNull())
    expect(mcp.config('github')).toBeUndefined()
    expect(row('docs')).toBeTruthy()
  })

  it('tests a saved server and lists its tools, or shows why it failed', async () => {
    await open({ servers: [github, { ...docs, enabled: true }], tools: githubTools, tests: { docs: { ok: false, tools: [], latencyMs: null, error: '401 Unauthorized' } } })
    await userEvent.click(within(row('github')).getByRole('button', { name: 'Test connection' }))
    const found = await within(row('github')).findByRole('list', { name: 'Tools found' })
    expect(within(row('github')).getByRole('status').textContent).toMatch(/^Connected in 8 ms · 2 tools/)
    expect(within(found).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['create_issue Open an issue', 'list_prs List pull requests'])
    await userEvent.click(within(row('docs')).getByRole('button', { name: 'Test connection' }))
    expect((await within(row('docs')).findByRole('alert')).textContent).toBe('Could not connect: 401 Unauthorized')
  })
})

describe('Adding and editing a server', () => {
  it('saves a stdio server with a secret variable: the value goes to secrets.env, its name to secretEnv, and is never shown again', async () => {
    const { calls, mcp } = await open({ tools: { github: githubTools.github } })
    await userEvent.click(screen.getByRole('button', { name: 'Add a server' }))
    await userEvent.type(field('Name'), 'github')
    await userEvent.type(field('Command'), 'npx')
    await userEvent.type(field('Arguments (one a line)'), '-y{Enter}@modelcontextprotocol/server-github{Enter}')
    await userEvent.click(within(form()).getByRole('button', { name: 'Add variable' }))
    await userEvent.type(field('Name of variable 1'), 'GITHUB_TOKEN')
    await userEvent.type(within(form()).getByLabelText('Value of variable 1'), 'ghp_supersecret')
    await userEvent.click(within(form()).getByRole('checkbox', { name: 'Secret variable 1' }))
    await userEvent.click(within(form()).getByRole('button', { name: 'Add variable' }))
    await userEvent.type(field('Name of variable 2'), 'LOG_LEVEL')
    await userEvent.type(field('Value of variable 2'), 'debug')
    await userEvent.clear(within(form()).getByRole('spinbutton', { name: 'Timeout per tool call (seconds)' }))
    await userEvent.type(within(form()).getByRole('spinbutton', { name: 'Timeout per tool call (seconds)' }), '30')
    await userEvent.click(within(form()).getByRole('button', { name: 'Save' }))

    await waitFor(() => expect(screen.queryByRole('form', { name: 'Add an MCP server' })).toBeNull())
    expect(saves(calls)).toEqual([
      {
        config: { name: 'github', transport: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { LOG_LEVEL: 'debug' }, secretEnv: ['GITHUB_TOKEN'], enabled: true, timeoutMs: 30_000 },
        secrets: { env: { GITHUB_TOKEN: 'ghp_supersecret' } },
      },
    ])
    expect(mcp.secrets('github')?.env).toEqual({ GITHUB_TOKEN: 'ghp_supersecret' })
    const gh = row('github')
    expect(within(gh).getByText('GITHUB_TOKEN').parentElement?.textContent).toBe('GITHUB_TOKEN set')
    expect(document.body.textContent).not.toContain('ghp_supersecret')
    await userEvent.click(within(gh).getByRole('button', { name: 'Edit' }))
    const edit = within(gh).getByRole('form', { name: 'Edit github' })
    expect(screen.queryByDisplayValue('ghp_supersecret')).toBeNull()
    const secretValue = within(edit).getAllByLabelText(/^Value of variable/).find((input) => input.getAttribute('placeholder') === 'set — type to replace')
    expect(secretValue).toHaveProperty('value', '')
    // Saving untouched keeps the stored secret by name, without sending a value.
    await userEvent.click(within(edit).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(saves(calls)).toHaveLength(2))
    expect(saves(calls)[1]).toEqual({ config: expect.objectContaining({ secretEnv: ['GITHUB_TOKEN'], env: { LOG_LEVEL: 'debug' } }) })
    expect(mcp.secrets('github')?.env).toEqual({ GITHUB_TOKEN: 'ghp_supersecret' })
  })

  it('saves an HTTP server whose Authorization header is secret by default', async () => {
    const { calls } = await open()
    await userEvent.click(screen.getByRole('button', { name: 'Add a server' }))
    await userEvent.type(field('Name'), 'linear')
    await userEvent.selectOptions(within(form()).getByRole('combobox', { name: 'Transport' }), 'http')
    await userEvent.type(field('URL'), 'https://mcp.linear.app/mcp')
    expect(field('Name of header 1')).toHaveProperty('value', 'Authorization')
    expect(within(form()).getByRole('checkbox', { name: 'Secret header 1' })).toHaveProperty('checked', true)
    await userEvent.type(within(form()).getByLabelText('Value of header 1'), 'Bearer lin_123')
    await userEvent.click(within(form()).getByRole('button', { name: 'Add header' }))
    await userEvent.type(field('Name of header 2'), 'X-Team')
    await userEvent.type(field('Value of header 2'), 'core')
    await userEvent.click(within(form()).getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(row('linear')).toBeTruthy())
    expect(saves(calls)).toEqual([
      {
        config: { name: 'linear', transport: 'http', url: 'https://mcp.linear.app/mcp', headers: { 'X-Team': 'core' }, secretHeaders: ['Authorization'], enabled: true, timeoutMs: 60_000 },
        secrets: { headers: { Authorization: 'Bearer lin_123' } },
      },
    ])
    expect(within(row('linear')).getByText('Authorization').parentElement?.textContent).toBe('Authorization set')
    expect(document.body.textContent).not.toContain('lin_123')
  })

  it('shows the route’s validation errors next to the fields', async () => {
    const { mcp } = await open()
    await userEvent.click(screen.getByRole('button', { name: 'Add a server' }))
    await userEvent.type(field('Name'), 'my server')
    await userEvent.click(within(form()).getByRole('button', { name: 'Save' }))
    expect(await within(form()).findByText('a server name is 1–64 letters, digits, _ or -')).toBeTruthy()
    expect(within(form()).getByText('a stdio server needs a command')).toBeTruthy()
    expect(field('Name').getAttribute('aria-invalid')).toBe('true')
    expect(mcp.config('my server')).toBeUndefined()
    await userEvent.selectOptions(within(form()).getByRole('combobox', { name: 'Transport' }), 'sse')
    await userEvent.type(field('URL'), 'ftp://nope')
    await userEvent.click(within(form()).getByRole('button', { name: 'Save' }))
    expect(await within(form()).findByText('an http or sse server needs an http(s) URL')).toBeTruthy()
  })

  it('tests a server before saving it, with its secrets, and lists the tools found', async () => {
    const { calls, mcp } = await open({ tools: { local: [{ name: 'echo', description: 'Says it back' }] } })
    await userEvent.click(screen.getByRole('button', { name: 'Add a server' }))
    await userEvent.type(field('Name'), 'local')
    await userEvent.type(field('Command'), 'node')
    await userEvent.click(within(form()).getByRole('button', { name: 'Add variable' }))
    await userEvent.type(field('Name of variable 1'), 'TOKEN')
    await userEvent.click(within(form()).getByRole('checkbox', { name: 'Secret variable 1' }))
    await userEvent.type(within(form()).getByLabelText('Value of variable 1'), 't0k')
    await userEvent.click(within(form()).getByRole('button', { name: 'Test before saving' }))
    const found = await within(form()).findByRole('list', { name: 'Tools found' })
    expect(found.textContent).toBe('echo Says it back')
    expect(calls.filter((c) => c.route === 'mcp.test').map((c) => c.input)).toEqual([
      { config: expect.objectContaining({ name: 'local', command: 'node', secretEnv: ['TOKEN'], env: {} }), secrets: { env: { TOKEN: 't0k' } } },
    ])
    expect(mcp.config('local')).toBeUndefined()
  })
})

describe('Pasting variables', () => {
  it('turns pasted KEY=VALUE lines into rows', async () => {
    await open()
    await userEvent.click(screen.getByRole('button', { name: 'Add a server' }))
    await userEvent.click(within(form()).getByRole('button', { name: 'Add variable' }))
    await userEvent.click(field('Name of variable 1'))
    await userEvent.paste('API_URL=https://x.example\nDEBUG=1')
    expect(field('Name of variable 1')).toHaveProperty('value', 'API_URL')
    expect(field('Value of variable 1')).toHaveProperty('value', 'https://x.example')
    expect(field('Name of variable 2')).toHaveProperty('value', 'DEBUG')
    expect(field('Value of variable 2')).toHaveProperty('value', '1')
  })
})
