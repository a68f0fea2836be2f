import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { modelInfo, providerView } from '../../../test/fake-providers'
import { renderAt } from '../../../test/render'
import { makeMessage, makeSession, sessionId } from '../../../test/session-fixtures'
import { decisionLabel } from './ToolMessage'

const id = sessionId(0)
const message = makeMessage.bind(null, id)

/** A chat as the core stores it after a tool round: the call, one result per call (denied included), the answer. */
const stored = [
  message(0, { text: 'Run the tests and fix src/a.ts' }),
  message(1, { text: '', toolCalls: [{ id: 'c1', name: 'Bash', arguments: { command: 'npm test' } }, { id: 'c2', name: 'Write', arguments: { file_path: 'src/a.ts', content: 'x' } }] }),
  message(2, { role: 'tool', text: 'all 12 tests passed', provider: null, model: null, usage: null, toolCalls: [{ id: 'c1', name: 'Bash', arguments: { command: 'npm test' }, decision: 'allow-once' }] }),
  message(3, { role: 'tool', text: 'The user denied this tool call.', provider: null, model: null, usage: null, toolCalls: [{ id: 'c2', name: 'Write', arguments: { file_path: 'src/a.ts', content: 'x' }, decision: 'denied by you' }] }),
  message(4, { role: 'tool', text: '', provider: null, model: null, usage: null, toolCalls: [{ id: 'c3', name: 'Read', arguments: { file_path: 'src/a.ts' }, decision: 'allowed by rule' }] }),
  message(5, { text: 'The tests pass; I did not change src/a.ts.' }),
]

const openStored = async () => {
  await renderAt(`#/chat/${id}`, {
    providers: { providers: [providerView('ollama', 'ollama', { name: 'Ollama' })], models: [modelInfo('ollama', 'qwen3', { caps: { tools: true } })] },
    history: { sessions: [makeSession(0)], messages: { [id]: stored } },
  })
  const log = await screen.findByRole('log', { name: 'Messages' })
  await within(log).findByText('The tests pass; I did not change src/a.ts.')
  return log
}

describe('Stored tool results', () => {
  it('a reloaded chat shows each tool message as a compact card with the tool, what it got, who decided, and the output folded', async () => {
    const log = await openStored()
    const bash = within(log).getByRole('article', { name: 'Tool result Bash, allowed once by you' })
    const details = bash.querySelector('details')!
    expect(details.open).toBe(false)
    expect(details.querySelector('summary')!.textContent).toMatch(/^tool Bash npm test · allowed once by you · /)
    expect(bash.querySelector('pre')!.textContent).toBe('all 12 tests passed')
    // A card, not a message: no "Tool" header, no actions.
    expect(within(bash).queryByRole('button')).toBeNull()
    expect(bash.querySelector('.message-head')).toBeNull()

    const write = within(log).getByRole('article', { name: 'Tool result Write, denied by you' })
    expect(write.querySelector('details')!.className).toContain('failed')
    expect(write.querySelector('.tool-failed')!.textContent).toBe(' · denied by you')
    expect(write.querySelector('pre')!.textContent).toBe('The user denied this tool call.')

    const read = within(log).getByRole('article', { name: 'Tool result Read, allowed by rule' })
    expect(read.querySelector('details')!.className).not.toContain('failed')
    expect(read.querySelector('pre')!.textContent).toBe('(no output)')
  })

  it('the assistant message that called the tools lists its calls compactly, with their arguments folded', async () => {
    const log = await openStored()
    const calls = within(log).getByRole('list', { name: 'Tool calls' })
    const items = within(calls).getAllByRole('listitem')
    expect(items.map((item) => item.querySelector('summary')!.textContent)).toEqual(['tool Bash', 'tool Write'])
    expect(JSON.parse(items[0]!.querySelector('pre')!.textContent!)).toEqual({ command: 'npm test' })
    expect(items[0]!.querySelector('details')!.open).toBe(false)
  })
})

describe('decisionLabel', () => {
  it('puts the approval answers into words and keeps the core’s own wording', () => {
    expect(['allow-once', 'allow-session', 'allow-workspace', 'deny'].map(decisionLabel)).toEqual([
      'allowed once by you',
      'allowed by you for this chat',
      'allowed by you for this workspace',
      'denied by you',
    ])
    expect(['denied by rule', 'allowed by hook', 'denied by hook', 'allowed by rule', 'denied by you'].map(decisionLabel)).toEqual(['denied by rule', 'allowed by hook', 'denied by hook', 'allowed by rule', 'denied by you'])
  })
})
