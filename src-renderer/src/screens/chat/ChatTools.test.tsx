import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import type { PermissionRequest } from '../../../../src-shared/contract'
import type { FakeApiOptions } from '../../../test/fake-api'
import { skill } from '../../../test/fake-agent'
import { modelInfo, providerView } from '../../../test/fake-providers'
import { renderAt } from '../../../test/render'
import { makeMessages, makeSession, sessionId } from '../../../test/session-fixtures'
import { useAppStore } from '../../store/app-store'
import { useWorkspace } from '../../store/workspace-store'
import { diffLines } from './ApprovalDialog'
import { AUTO, useChatPrefs } from './chat-prefs'
import { useReplies } from './reply-store'

const id = sessionId(0)
const options = (agent: FakeApiOptions['agent'] = {}): FakeApiOptions => ({
  providers: { providers: [providerView('ollama', 'ollama', { name: 'Ollama' })], models: [modelInfo('ollama', 'qwen3', { caps: { tools: true } })] },
  history: { sessions: [makeSession(0)], messages: { [id]: makeMessages(id, 2) } },
  agent,
})

const openChat = async (agent: FakeApiOptions['agent'] = {}) => {
  const rendered = await renderAt(`#/chat/${id}`, options(agent))
  const log = await screen.findByRole('log', { name: 'Messages' })
  const box = screen.getByRole('textbox', { name: 'Message' })
  await waitFor(() => expect(box).toHaveProperty('disabled', false))
  return { ...rendered, log, box }
}

/** Sends a message and opens the reply, ready for tool events. */
const startReply = async (agent: FakeApiOptions['agent'] = {}) => {
  const chat = await openChat(agent)
  await userEvent.type(chat.box, 'Fix the build{Enter}')
  await waitFor(() => chat.providers.push({ type: 'started', sessionId: id, userMessageId: 'u1', assistantMessageId: 'a1' }))
  return chat
}

const bash: PermissionRequest = { id: 'p1', tool: 'Bash', input: { command: 'npm test -- --run' }, summary: 'Bash: npm test -- --run', reason: 'No rule allows Bash(npm test:*).' }
const write: PermissionRequest = {
  id: 'p2',
  tool: 'Write',
  input: { file_path: 'src/a.ts', content: 'export const a = 2\n' },
  summary: 'Write src/a.ts (1 line)',
  diff: '--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,2 +1,2 @@\n import x\n-export const a = 1\n+export const a = 2\n',
  reason: 'A PreToolUse hook asked to confirm.',
}

beforeEach(() => {
  useReplies.setState({ replies: {}, attempts: {}, answered: {} })
  useChatPrefs.setState({ target: AUTO })
  useWorkspace.setState({ path: '' })
})

describe('Tool approvals', () => {
  it('a permission event opens a dialog with the exact command and the reason; focus is inside; Deny answers deny', async () => {
    const { providers: core, agent } = await startReply()
    act(() => core.push({ type: 'permission', request: bash }))
    const dialog = await screen.findByRole('dialog', { name: 'Allow Bash?' })
    expect(dialog.getAttribute('aria-modal')).toBe('true')
    expect(within(dialog).getByLabelText('Command').textContent).toBe('npm test -- --run')
    expect(within(dialog).getByText('Why you are asked: No rule allows Bash(npm test:*).')).toBeTruthy()
    expect(dialog.contains(document.activeElement)).toBe(true)
    // Without a workspace, "always" means your own rules (an MCP tool, say).
    expect(within(dialog).getByRole('button', { name: 'Always allow this tool' })).toHaveProperty('disabled', false)

    await userEvent.click(within(dialog).getByRole('button', { name: 'Deny' }))
    await waitFor(() => expect(agent.decisions()).toEqual([{ requestId: 'p1', decision: 'deny' }]))
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('Allow once answers allow-once, then the next waiting request is shown; Tab stays inside the dialog', async () => {
    const { providers: core, agent } = await startReply()
    act(() => core.push({ type: 'permission', request: bash }, { type: 'permission', request: write }))
    const first = await screen.findByRole('dialog', { name: 'Allow Bash?' })
    const buttons = within(first).getAllByRole('button').filter((b) => !(b as HTMLButtonElement).disabled)
    // Deny has the focus first (the safe answer); Tab from the last button wraps to the first.
    expect(document.activeElement).toBe(within(first).getByRole('button', { name: 'Deny' }))
    act(() => buttons.at(-1)!.focus())
    await userEvent.tab()
    expect(document.activeElement).toBe(buttons[0])
    await userEvent.tab({ shift: true })
    expect(document.activeElement).toBe(buttons.at(-1))
    await userEvent.click(within(first).getByRole('button', { name: 'Allow once' }))
    const second = await screen.findByRole('dialog', { name: 'Allow Write?' })
    expect(agent.decisions()).toEqual([{ requestId: 'p1', decision: 'allow-once' }])
    await userEvent.click(within(second).getByRole('button', { name: 'Always allow in this session' }))
    await waitFor(() => expect(agent.decisions().at(-1)).toEqual({ requestId: 'p2', decision: 'allow-session' }))
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('Escape denies', async () => {
    const { providers: core, agent } = await startReply()
    act(() => core.push({ type: 'permission', request: bash }))
    await screen.findByRole('dialog', { name: 'Allow Bash?' })
    await userEvent.keyboard('{Escape}')
    await waitFor(() => expect(agent.decisions()).toEqual([{ requestId: 'p1', decision: 'deny' }]))
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('Write shows the file and its diff with added and removed lines marked; a workspace rule can be kept', async () => {
    useWorkspace.setState({ path: '/home/me/proj' })
    const { providers: core, agent } = await startReply()
    act(() => core.push({ type: 'permission', request: write }))
    const dialog = await screen.findByRole('dialog', { name: 'Allow Write?' })
    expect(within(dialog).getByText('src/a.ts')).toBeTruthy()
    const diff = within(dialog).getByLabelText('Changes')
    expect(diff.tagName).toBe('PRE')
    expect([...diff.querySelectorAll('.diff-add')].map((n) => n.textContent)).toEqual(['+export const a = 2\n'])
    expect([...diff.querySelectorAll('.diff-del')].map((n) => n.textContent)).toEqual(['-export const a = 1\n'])
    expect(diff.querySelector('.diff-ctx')!.textContent).toBe(' import x\n')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Always allow in this workspace' }))
    await waitFor(() => expect(agent.decisions()).toEqual([{ requestId: 'p2', decision: 'allow-workspace' }]))
  })

  it('a reply that ends closes its waiting dialog', async () => {
    const { providers: core } = await startReply()
    act(() => core.push({ type: 'permission', request: bash }))
    await screen.findByRole('dialog')
    act(() => core.fail({ code: 'E_CANCELLED', message: 'The reply was stopped.', retryable: false }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
  })

  it('diff lines: file headers and hunks are neither added nor removed', () => {
    expect(diffLines('--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n same\n').map((l) => l.kind)).toEqual(['hunk', 'hunk', 'hunk', 'del', 'add', 'ctx'])
  })
})

describe('Tool results and hook notices', () => {
  it('tool results show as cards with ok/failed, the decision, and the output folded; a blocked hook shows as a warning', async () => {
    const { providers: core, log } = await startReply()
    act(() =>
      core.push(
        { type: 'hook', event: 'PreToolUse', blocked: true, message: 'rm -rf is not allowed' },
        { type: 'hook', event: 'SessionStart', blocked: false, message: 'Loaded project notes' },
        { type: 'tool_result', callId: 'c1', name: 'Bash', ok: true, output: 'all 12 tests passed', decision: 'allow-once' },
        { type: 'tool_result', callId: 'c2', name: 'Read', ok: false, output: 'ENOENT: src/missing.ts' },
      ),
    )
    const cards = await within(log).findByRole('list', { name: 'Tool results' })
    const [ok, failed] = within(cards).getAllByRole('listitem')
    expect(ok!.getAttribute('aria-label')).toBe('Bash ok')
    expect(ok!.textContent).toContain('allowed once by you')
    expect(ok!.querySelector('details')!.open).toBe(false)
    expect(ok!.querySelector('pre')!.textContent).toBe('all 12 tests passed')
    expect(failed!.getAttribute('aria-label')).toBe('Read failed')
    expect(failed!.querySelector('.tool-failed')!.textContent).toBe('failed')

    const warning = within(log).getByRole('alert')
    expect(warning.className).toContain('blocked')
    expect(warning.textContent).toBe('⚠ Blocked by a PreToolUse hook: rm -rf is not allowed')
    expect(within(log).getByText(/Loaded project notes/).className).toBe('hook-notice')
  })
})

describe('Workspace and slash commands', () => {
  it('the folder chosen in the composer goes with chat.send, with a note on what tools may do', async () => {
    const { box, providers: core } = await openChat()
    await userEvent.click(screen.getByRole('button', { name: 'No folder' }))
    const pop = screen.getByRole('group', { name: 'Workspace folder' })
    expect(within(pop).getByText('Tools can read and change files in this folder, after asking.')).toBeTruthy()
    await userEvent.type(within(pop).getByRole('textbox', { name: 'Folder path' }), '/home/me/proj')
    await userEvent.click(within(pop).getByRole('button', { name: 'Use folder' }))
    expect(screen.getByRole('button', { name: 'Folder: proj' })).toBeTruthy()
    expect(useWorkspace.getState().path).toBe('/home/me/proj')
    await userEvent.type(box, 'List the files{Enter}')
    expect(core.sent()).toEqual([{ sessionId: id, text: 'List the files', target: { auto: true }, workspace: '/home/me/proj' }])
  })

  it('typing / suggests skills, filtered as you type; Enter picks one and the message goes out as text', async () => {
    const { box, providers: core, calls } = await openChat({ skills: [skill('review', { description: 'Review the diff' }), skill('release'), skill('tidy')] })
    expect(calls.some((c) => c.route === 'skills.list')).toBe(false)
    await userEvent.type(box, '/')
    const list = await screen.findByRole('listbox', { name: 'Skills' })
    expect(within(list).getAllByRole('option').map((o) => o.textContent)).toEqual(['/reviewReview the diff', '/releaseThe release skill', '/tidyThe tidy skill'])
    await userEvent.type(box, 're')
    await waitFor(() => expect(within(screen.getByRole('listbox', { name: 'Skills' })).getAllByRole('option')).toHaveLength(2))
    await userEvent.keyboard('{ArrowDown}')
    expect(screen.getByRole('option', { name: /release/ }).getAttribute('aria-selected')).toBe('true')
    await userEvent.keyboard('{Enter}')
    expect(box).toHaveProperty('value', '/release ')
    expect(screen.queryByRole('listbox', { name: 'Skills' })).toBeNull()
    expect(core.sent()).toEqual([])
    await userEvent.type(box, 'v2.1{Enter}')
    expect(core.sent()).toEqual([{ sessionId: id, text: '/release v2.1', target: { auto: true } }])
  })

  it('Escape hides the suggestions and a / with no matching skill suggests nothing', async () => {
    const { box } = await openChat({ skills: [skill('review')] })
    await userEvent.type(box, '/')
    await screen.findByRole('listbox', { name: 'Skills' })
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('listbox', { name: 'Skills' })).toBeNull()
    await userEvent.type(box, 'zz')
    expect(screen.queryByRole('listbox', { name: 'Skills' })).toBeNull()
  })
})

describe('Skills in the command palette', () => {
  it('“Run skill: <name>” opens the chat with /name ready in the composer', async () => {
    await renderAt('#/agents', options({ skills: [skill('review')] }))
    await screen.findByRole('heading', { level: 1, name: 'Agents' })
    act(() => useAppStore.getState().setPaletteOpen(true))
    const palette = screen.getByRole('dialog', { name: 'Command palette' })
    await userEvent.type(within(palette).getByRole('combobox'), 'run skill')
    // The palette asks for the skills as it opens.
    await waitFor(() => expect(within(palette).getAllByRole('option').map((o) => o.textContent)).toEqual(['SkillsRun skill: review']))
    await userEvent.keyboard('{Enter}')
    const box = await screen.findByRole('textbox', { name: 'Message' })
    await waitFor(() => expect(box).toHaveProperty('value', '/review '))
    expect(useAppStore.getState().screen).toBe('chat')
  })
})
