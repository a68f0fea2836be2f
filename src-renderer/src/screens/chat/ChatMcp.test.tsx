import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import type { FakeApiOptions } from '../../../test/fake-api'
import { skill } from '../../../test/fake-agent'
import type { FakeMcpOptions } from '../../../test/fake-mcp'
import { modelInfo, providerView } from '../../../test/fake-providers'
import { renderAt } from '../../../test/render'
import { makeMessages, makeSession, sessionId } from '../../../test/session-fixtures'
import { AUTO, useChatPrefs } from './chat-prefs'
import { useReplies } from './reply-store'
import { MAX_RESOURCE_CHARS } from './resource-attachments'

const id = sessionId(0)
const providers: FakeApiOptions['providers'] = {
  providers: [providerView('ollama', 'ollama', { name: 'Ollama' })],
  models: [modelInfo('ollama', 'llama3.2', { caps: { tools: true, contextWindow: 131072 } })],
}
const servers = [{ name: 'test', transport: 'stdio' as const, command: 'node' }, { name: 'docs', transport: 'stdio' as const, command: 'node' }]
const mcp: FakeMcpOptions = {
  servers,
  resources: {
    test: [{ uri: 'test://readme', name: 'README', mimeType: 'text/markdown', text: '# Hello\nfrom the test server' }],
    docs: [
      { uri: 'docs://guide', name: 'Guide', text: 'How to use it' },
      { uri: 'docs://huge', name: 'Huge log', text: 'y'.repeat(MAX_RESOURCE_CHARS + 500) },
    ],
  },
  prompts: {
    test: [
      { name: 'review', description: 'Review a file', arguments: [{ name: 'file', description: 'The file to review', required: true }, { name: 'focus', required: false }], template: 'Please review {{file}} with care. {{focus}}' },
      { name: 'hello', description: 'Say hello', template: 'Say hello to the team.' },
    ],
  },
}

const openChat = async (extra: FakeApiOptions = {}) => {
  const rendered = await renderAt(`#/chat/${id}`, { providers, history: { sessions: [makeSession(0)], messages: { [id]: makeMessages(id, 2) } }, ...extra })
  const log = await screen.findByRole('log', { name: 'Messages' })
  await within(log).findAllByRole('article')
  const box = screen.getByRole('textbox', { name: 'Message' })
  await waitFor(() => expect(box).toHaveProperty('disabled', false))
  return { ...rendered, box }
}
const composerNote = (): string | null => within(screen.getByRole('form', { name: 'Reply' })).getByRole('status').textContent
const sentText = (core: { sent(): unknown[] }): string[] => core.sent().map((s) => (s as { text: string }).text)

beforeEach(() => {
  useReplies.setState({ replies: {}, attempts: {} })
  useChatPrefs.setState({ target: AUTO })
})

describe('MCP resources in the composer', () => {
  it('attaching a resource shows a chip, and the sent text carries it as a fenced block under the message', async () => {
    const { box, providers: core } = await openChat({ mcp })
    await userEvent.click(await screen.findByRole('button', { name: 'MCP resource…' }))
    const pop = screen.getByRole('group', { name: 'MCP resources' })
    expect(within(pop).getAllByRole('option').map((o) => o.textContent)).toEqual(['READMEtest · test://readme', 'Guidedocs · docs://guide', 'Huge logdocs · docs://huge'])
    await userEvent.type(within(pop).getByRole('textbox', { name: 'Search resources' }), 'read')
    expect(within(pop).getAllByRole('option').map((o) => o.textContent)).toEqual(['READMEtest · test://readme'])
    await userEvent.keyboard('{Enter}')
    // Enter picked the resource; it did not send the message.
    expect(screen.queryByRole('group', { name: 'MCP resources' })).toBeNull()
    const chips = await screen.findByRole('list', { name: 'Resources to send' })
    expect(within(chips).getByText('README')).toBeTruthy()
    expect(core.sent()).toEqual([])

    await userEvent.type(box, 'Summarise this{Enter}')
    expect(sentText(core)).toEqual(['Summarise this\n\nResource test://readme (test):\n```\n# Hello\nfrom the test server\n```'])
    expect(screen.queryByRole('list', { name: 'Resources to send' })).toBeNull()
  })

  it('a resource alone can be sent; a removed chip does not go out', async () => {
    const { providers: core } = await openChat({ mcp })
    for (const name of [/^Guide/, /^README/]) {
      await userEvent.click(await screen.findByRole('button', { name: 'MCP resource…' }))
      await userEvent.click(within(screen.getByRole('listbox', { name: 'Resources' })).getByRole('option', { name }))
    }
    const chips = await screen.findByRole('list', { name: 'Resources to send' })
    await waitFor(() => expect(within(chips).getAllByRole('listitem')).toHaveLength(2))
    await userEvent.click(within(chips).getByRole('button', { name: 'Remove README' }))
    await userEvent.click(screen.getByRole('button', { name: 'Send' }))
    expect(sentText(core)).toEqual(['Resource docs://guide (docs):\n```\nHow to use it\n```'])
  })

  it('a resource over the limit is cut: the chip and the note say so, and the block ends with the cut note', async () => {
    const { box, providers: core } = await openChat({ mcp })
    await userEvent.click(await screen.findByRole('button', { name: 'MCP resource…' }))
    await userEvent.click(screen.getByRole('option', { name: /Huge log/ }))
    const chips = await screen.findByRole('list', { name: 'Resources to send' })
    expect(within(chips).getByText('(cut)')).toBeTruthy()
    expect(composerNote()).toBe('Huge log is long: only its first 100,000 characters go with the message (cut).')
    await userEvent.type(box, 'Look{Enter}')
    const [text] = sentText(core)
    expect(text!.startsWith('Look\n\nResource docs://huge (docs):\n```\nyyy')).toBe(true)
    expect(text!.endsWith('y\n```\n(cut: 500 more characters left out)')).toBe(true)
    expect(text!.match(/y/g)).toHaveLength(MAX_RESOURCE_CHARS)
  })

  it('a resource that cannot be read says why and attaches nothing', async () => {
    const message = 'The MCP server "test" failed reading test://readme: Resource test://readme not found'
    await openChat({ mcp, failing: { 'mcp.readResource': { code: 'E_BAD_RESPONSE', message, retryable: false } } })
    await userEvent.click(await screen.findByRole('button', { name: 'MCP resource…' }))
    await userEvent.click(screen.getByRole('option', { name: /README/ }))
    await waitFor(() => expect(composerNote()).toBe(`README could not be read: ${message}`))
    expect(screen.queryByRole('list', { name: 'Resources to send' })).toBeNull()
  })

  it('no resources, no button: without MCP servers the composer offers none', async () => {
    await openChat()
    await waitFor(() => expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy())
    expect(screen.queryByRole('button', { name: 'MCP resource…' })).toBeNull()
  })

  it('the button goes when the server offering the resources disconnects (mcp.changed)', async () => {
    const { mcp: core } = await openChat({ mcp: { servers: [servers[0]!], resources: { test: mcp.resources!.test! } } })
    await screen.findByRole('button', { name: 'MCP resource…' })
    act(() => core.setStatus('test', { state: 'error', lastError: 'crashed' }))
    await waitFor(() => expect(screen.queryByRole('button', { name: 'MCP resource…' })).toBeNull())
  })
})

describe('MCP prompts as slash commands', () => {
  it('/ lists the prompts after the skills as /mcp__<server>__<prompt> with their description', async () => {
    const { box, calls } = await openChat({ mcp, agent: { skills: [skill('release')] } })
    expect(calls.some((c) => c.route === 'mcp.prompts')).toBe(false)
    await userEvent.type(box, '/')
    const list = await screen.findByRole('listbox', { name: 'Skills' })
    await waitFor(() =>
      expect(within(list).getAllByRole('option').map((o) => o.textContent)).toEqual(['/releaseThe release skill', '/mcp__test__reviewReview a file', '/mcp__test__helloSay hello']),
    )
    await userEvent.type(box, 'mcp__test__r')
    await waitFor(() => expect(within(screen.getByRole('listbox', { name: 'Skills' })).getAllByRole('option').map((o) => o.textContent)).toEqual(['/mcp__test__reviewReview a file']))
  })

  it('a prompt with a required argument asks for it inline, then its text fills the composer to edit and send', async () => {
    const { box, providers: core, calls } = await openChat({ mcp })
    await userEvent.type(box, '/mcp__test__re')
    await screen.findByRole('option', { name: /mcp__test__review/ })
    await userEvent.keyboard('{Enter}')
    const form = screen.getByRole('group', { name: 'Arguments for /mcp__test__review' })
    expect(screen.queryByRole('listbox', { name: 'Skills' })).toBeNull()
    const use = within(form).getByRole('button', { name: 'Use prompt' })
    expect(use).toHaveProperty('disabled', true)
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true)
    await userEvent.type(within(form).getByRole('textbox', { name: 'file (required)' }), 'src/a.ts')
    await userEvent.keyboard('{Enter}')
    await waitFor(() => expect(box).toHaveProperty('value', 'Please review src/a.ts with care. '))
    expect(screen.queryByRole('group', { name: 'Arguments for /mcp__test__review' })).toBeNull()
    // The empty optional argument stayed out of the request.
    expect(calls.filter((c) => c.route === 'mcp.getPrompt').map((c) => c.input)).toEqual([{ server: 'test', name: 'review', arguments: { file: 'src/a.ts' } }])
    expect(core.sent()).toEqual([])
    await userEvent.type(box, 'Be brief.{Enter}')
    expect(sentText(core)).toEqual(['Please review src/a.ts with care. Be brief.'])
  })

  it('a prompt without arguments fills the composer at once; Cancel on the argument form gives the text back', async () => {
    const { box } = await openChat({ mcp })
    await userEvent.type(box, '/mcp__test__h')
    await userEvent.click(await screen.findByRole('option', { name: /mcp__test__hello/ }))
    await waitFor(() => expect(box).toHaveProperty('value', 'Say hello to the team.'))

    await userEvent.clear(box)
    await userEvent.type(box, '/mcp__test__rev')
    await userEvent.click(await screen.findByRole('option', { name: /mcp__test__review/ }))
    await userEvent.click(within(screen.getByRole('group', { name: 'Arguments for /mcp__test__review' })).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('group', { name: 'Arguments for /mcp__test__review' })).toBeNull()
    expect(box).toHaveProperty('value', '/mcp__test__rev')
  })

  it('a server error while filling the prompt shows in the form, which stays open', async () => {
    const { box, mcp: core } = await openChat({ mcp })
    await userEvent.type(box, '/mcp__test__rev')
    await userEvent.click(await screen.findByRole('option', { name: /mcp__test__review/ }))
    const form = screen.getByRole('group', { name: 'Arguments for /mcp__test__review' })
    await userEvent.type(within(form).getByRole('textbox', { name: 'file (required)' }), 'a.ts')
    act(() => core.setStatus('test', { state: 'restarting' }))
    await userEvent.click(within(form).getByRole('button', { name: 'Use prompt' }))
    expect((await within(form).findByRole('alert')).textContent).toBe('The MCP server "test" is not connected (restarting).')
    expect(box).toHaveProperty('value', '/mcp__test__review ')
  })
})
