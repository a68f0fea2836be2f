import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import type { FakeApiOptions } from '../../../../test/fake-api'
import { renderAt } from '../../../../test/render'
import { useWorkspace } from '../../../store/workspace-store'

const claudeDesktop = JSON.stringify({
  mcpServers: {
    filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/me'] },
    remote: { type: 'sse', url: 'https://remote.example/sse' },
    'bad name!': { command: 'node' },
    broken: { args: ['x'] },
  },
})

const open = async (mcp: FakeApiOptions['mcp'] = {}) => {
  const rendered = await renderAt('#/tools', { mcp })
  const region = screen.getByRole('region', { name: 'MCP servers' })
  await waitFor(() => expect(within(region).queryByText('Loading servers…')).toBeNull())
  return { ...rendered, region }
}
const servers = () => within(screen.getByRole('list', { name: 'Servers' })).getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))
const imports = (calls: { route: string; input: unknown }[]) => calls.filter((c) => c.route === 'mcp.import').map((c) => c.input)

beforeEach(() => {
  useWorkspace.setState({ path: '' })
})

describe('Importing and exporting MCP servers', () => {
  it('imports from Claude Desktop, lists the new servers and says why others were skipped', async () => {
    const { calls, region } = await open({ servers: [{ name: 'remote', transport: 'http', url: 'https://mine.example/mcp' }], claudeDesktop })
    await userEvent.click(within(region).getByRole('button', { name: 'Import from Claude Desktop' }))
    const outcome = await within(region).findByText(/^Imported:/)
    expect(outcome.textContent).toBe('Imported: filesystem')
    const skipped = within(region).getByRole('list', { name: 'Skipped servers' })
    expect(within(skipped).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'bad name! — a server name is 1–64 letters, digits, _ or -',
      'broken — a stdio server needs a command',
      'remote — a server with this name exists already',
    ])
    await waitFor(() => expect(servers()).toEqual(['remote', 'filesystem']))
    expect(imports(calls)).toEqual([{ from: 'claude-desktop' }])
  })

  it('shows the error when there is nothing to import', async () => {
    const { region } = await open()
    await userEvent.click(within(region).getByRole('button', { name: 'Import from Claude Desktop' }))
    expect((await within(region).findByRole('alert')).textContent).toBe('No claude-desktop config was found.')
  })

  it('imports pasted mcpServers JSON', async () => {
    const { calls, region } = await open()
    await userEvent.click(within(region).getByRole('button', { name: 'Paste JSON' }))
    const box = within(region).getByRole('textbox', { name: /Claude Desktop style JSON/ })
    const json = JSON.stringify({ mcpServers: { time: { command: 'uvx', args: ['mcp-server-time'] } } })
    await userEvent.click(box)
    await userEvent.paste(json)
    await userEvent.click(within(region).getByRole('button', { name: 'Import' }))
    expect((await within(region).findByText(/^Imported:/)).textContent).toBe('Imported: time')
    await waitFor(() => expect(servers()).toEqual(['time']))
    expect(within(region).queryByRole('textbox', { name: /Claude Desktop style JSON/ })).toBeNull()
    expect(imports(calls)).toEqual([{ from: 'json', json }])
  })

  it('says so when the pasted text is not JSON, and keeps it for fixing', async () => {
    const { region } = await open()
    await userEvent.click(within(region).getByRole('button', { name: 'Paste JSON' }))
    await userEvent.type(within(region).getByRole('textbox', { name: /Claude Desktop style JSON/ }), 'not json')
    await userEvent.click(within(region).getByRole('button', { name: 'Import' }))
    expect((await within(region).findByRole('alert')).textContent).toBe('That is not valid JSON.')
    expect(within(region).getByRole('textbox', { name: /Claude Desktop style JSON/ })).toHaveProperty('value', 'not json')
  })

  it('imports from ollama-cli in the shared workspace folder', async () => {
    useWorkspace.setState({ path: '/home/me/proj' })
    const { calls, region } = await open({ ollamaCli: JSON.stringify({ mcpServers: { git: { command: 'uvx', args: ['mcp-server-git'] } } }) })
    await userEvent.click(within(region).getByRole('button', { name: 'From ollama-cli (proj)' }))
    expect((await within(region).findByText(/^Imported:/)).textContent).toBe('Imported: git')
    expect(imports(calls)).toEqual([{ from: 'ollama-cli', workspace: '/home/me/proj' }])
  })

  it('exports the servers as JSON in a read-only box that can be copied', async () => {
    const user = userEvent.setup()
    const { region } = await open({ servers: [{ name: 'github', transport: 'stdio', command: 'npx', args: ['-y', 'server-github'], secretEnv: ['GITHUB_TOKEN'] }] })
    await user.click(within(region).getByRole('button', { name: 'Export' }))
    const box = await within(region).findByRole('textbox', { name: /Exported servers/ })
    expect(box).toHaveProperty('readOnly', true)
    const exported = JSON.parse((box as HTMLTextAreaElement).value) as unknown
    expect(exported).toEqual({ mcpServers: { github: { command: 'npx', args: ['-y', 'server-github'], env: {} } } })
    await user.click(within(region).getByRole('button', { name: 'Copy' }))
    await within(region).findByRole('button', { name: 'Copied' })
    expect(await navigator.clipboard.readText()).toBe((box as HTMLTextAreaElement).value)
  })
})

describe('MCP tools', () => {
  it('lists the tools of enabled servers by their qualified names, and explains approvals and matchers', async () => {
    const { region, mcp } = await open({
      servers: [
        { name: 'github', transport: 'stdio', command: 'npx' },
        { name: 'off', transport: 'stdio', command: 'node', enabled: false },
      ],
      tools: { github: [{ name: 'create_issue', description: 'Open an issue' }], off: [{ name: 'hidden', description: 'Not connected' }] },
    })
    const list = await within(region).findByRole('list', { name: 'Tools' })
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['mcp__github__create_issue' + 'Open an issue'])
    expect(within(region).getByText(/each MCP tool asks for approval by default\. Hook matchers can use these names/)).toBeTruthy()
    // A server whose tool list changed in the core: mcp.changed brings the new list.
    mcp.setTools('github', [{ name: 'create_issue', description: 'Open an issue' }, { name: 'close_issue', description: 'Close an issue' }])
    mcp.setStatus('github', { tools: 2 })
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2))
    expect(within(list).getByText('mcp__github__close_issue')).toBeTruthy()
    expect(within(list).queryByText('mcp__off__hidden')).toBeNull()
  })
})
