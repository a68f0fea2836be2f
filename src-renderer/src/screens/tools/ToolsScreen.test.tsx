import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import { BUILTIN_TOOLS } from '../../../../src-shared/contract'
import type { FakeApiOptions } from '../../../test/fake-api'
import { renderAt } from '../../../test/render'
import { useWorkspace } from '../../store/workspace-store'
import { fieldErrors } from './PermissionsEditor'

const open = async (agent: FakeApiOptions['agent'] = {}) => {
  const rendered = await renderAt('#/tools', { agent })
  await screen.findByRole('form', { name: 'User permissions' })
  return rendered
}
const userForm = () => screen.getByRole('form', { name: 'User permissions' })
const list = (form: HTMLElement, name: string) => within(form).queryByRole('list', { name })
const rulesIn = (form: HTMLElement, name: string) => within(list(form, name) ?? document.createElement('ul')).queryAllByRole('listitem').map((item) => within(item).getByText(/./, { selector: 'code' }).textContent)

beforeEach(() => {
  useWorkspace.setState({ path: '' })
})

describe('Built-in tools', () => {
  it('lists every built-in tool of the contract with a description and whether it only reads', async () => {
    await open()
    expect(screen.getByRole('heading', { level: 1, name: 'Tools & MCP' })).toBeTruthy()
    const table = screen.getByRole('table', { name: 'Built-in tools' })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows.map((row) => within(row).getByRole('rowheader').textContent)).toEqual([...BUILTIN_TOOLS])
    const effect = (tool: string) => within(within(table).getByRole('row', { name: new RegExp(`^${tool} `) })).getAllByRole('cell')[1]!.textContent
    expect(effect('Read')).toBe('Reads only')
    expect(effect('Grep')).toBe('Reads only')
    expect(effect('Write')).toBe('Changes things')
    expect(effect('Bash')).toBe('Changes things')
    expect(effect('WebFetch')).toBe('Uses the network')
    expect(within(table).getByRole('row', { name: /^Bash / }).textContent).toContain('Runs a shell command')
  })

  it('explains when tools run, that the rest is asked and that deny wins, with example rules, followed by the MCP servers', async () => {
    await open()
    expect(screen.getByText(/Tools run only in a chat that has a workspace folder\. Every call no rule allows is asked first, and a deny rule wins/)).toBeTruthy()
    for (const example of ['Bash(git status:*)', 'Read(src/**)', 'WebFetch(domain:example.com)']) expect(screen.getByText(example, { selector: 'code' })).toBeTruthy()
    const mcp = screen.getByRole('region', { name: 'MCP servers' })
    expect(within(mcp).getByRole('button', { name: 'Add a server' })).toBeTruthy()
  })
})

describe('Permission rules', () => {
  it('shows the stored mode and rules, adds and removes rules, and saves them with permissions.update', async () => {
    const { agent, calls } = await open({ permissions: { user: { allow: ['Read'], deny: ['Bash(rm:*)'], defaultMode: 'allow-reads' } } })
    const form = userForm()
    expect(within(form).getByRole('radio', { name: 'Allow reads' })).toHaveProperty('checked', true)
    expect(rulesIn(form, 'Allow rules')).toEqual(['Read'])
    expect(rulesIn(form, 'Deny rules')).toEqual(['Bash(rm:*)'])
    const save = within(form).getByRole('button', { name: 'Save rules' })
    expect(save).toHaveProperty('disabled', true)

    await userEvent.type(within(form).getByRole('textbox', { name: 'New allow rule' }), 'Bash(git status:*){Enter}')
    await userEvent.type(within(form).getByRole('textbox', { name: 'New deny rule' }), 'WebFetch(domain:evil.example)')
    await userEvent.click(within(form).getAllByRole('button', { name: 'Add' })[1]!)
    await userEvent.click(within(form).getByRole('button', { name: 'Remove Read from allow rules' }))
    await userEvent.click(within(form).getByRole('radio', { name: 'Deny' }))
    expect(rulesIn(form, 'Allow rules')).toEqual(['Bash(git status:*)'])
    expect(rulesIn(form, 'Deny rules')).toEqual(['Bash(rm:*)', 'WebFetch(domain:evil.example)'])
    // Nothing is stored until Save.
    expect(agent.permissions('user').allow).toEqual(['Read'])

    await userEvent.click(save)
    await within(form).findByRole('status')
    expect(within(form).getByRole('status').textContent).toBe('Saved.')
    const expected = { allow: ['Bash(git status:*)'], deny: ['Bash(rm:*)', 'WebFetch(domain:evil.example)'], defaultMode: 'deny' }
    expect(calls.filter((c) => c.route === 'permissions.update').map((c) => c.input)).toEqual([{ source: 'user', permissions: expected }])
    expect(agent.permissions('user')).toEqual(expected)
    expect(within(form).getByRole('button', { name: 'Save rules' })).toHaveProperty('disabled', true)
  })

  it('refuses a malformed or duplicate rule before it reaches the list', async () => {
    await open({ permissions: { user: { allow: ['Read'], deny: [], defaultMode: 'ask' } } })
    const form = userForm()
    const input = within(form).getByRole('textbox', { name: 'New allow rule' })
    await userEvent.type(input, 'Bash(git status{Enter}')
    expect(within(form).getByRole('alert').textContent).toMatch(/tool name, optionally with a pattern in parentheses/)
    expect(input.getAttribute('aria-invalid')).toBe('true')
    await userEvent.clear(input)
    await userEvent.type(input, ' Read {Enter}')
    expect(within(form).getByRole('alert').textContent).toBe('That rule is already in the list.')
    expect(rulesIn(form, 'Allow rules')).toEqual(['Read'])
  })

  it('shows the route’s validation error next to the list it is about, and keeps the draft', async () => {
    const { agent } = await open()
    const form = userForm()
    const long = `Bash(${'x'.repeat(520)})`
    const input = within(form).getByRole('textbox', { name: 'New deny rule' })
    // Typing 500+ characters one by one is slow; paste it.
    await userEvent.click(input)
    await userEvent.paste(long)
    await userEvent.keyboard('{Enter}')
    await userEvent.click(within(form).getByRole('button', { name: 'Save rules' }))
    const denyList = within(form).getByRole('group', { name: 'Deny rules' })
    const alert = await within(denyList).findByRole('alert')
    expect(alert.textContent).toMatch(/^Rule 1: .*500/)
    expect(within(within(form).getByRole('group', { name: 'Allow rules' })).queryByRole('alert')).toBeNull()
    expect(rulesIn(form, 'Deny rules')).toEqual([long])
    expect(agent.permissions('user').deny).toEqual([])
    expect(within(form).queryByRole('status')).toBeNull()

    // Changing the list clears its complaint (it names rules by position); a good list saves.
    await userEvent.click(within(form).getByRole('button', { name: `Remove ${long} from deny rules` }))
    expect(within(denyList).queryByRole('alert')).toBeNull()
    await userEvent.type(within(form).getByRole('textbox', { name: 'New deny rule' }), 'Bash(rm:*){Enter}')
    await userEvent.click(within(form).getByRole('button', { name: 'Save rules' }))
    await waitFor(() => expect(agent.permissions('user').deny).toEqual(['Bash(rm:*)']))
    expect(within(form).queryByRole('alert')).toBeNull()
  })

  it('a workspace level appears only with a workspace folder, and saves with it', async () => {
    const { calls, agent } = await open({ permissions: { workspace: { allow: ['Edit(src/**)'], deny: [], defaultMode: 'ask' } } })
    expect(screen.queryByRole('form', { name: 'Workspace permissions' })).toBeNull()
    expect(screen.getByText(/Choose a workspace folder/)).toBeTruthy()
    expect(calls.find((c) => c.route === 'permissions.get')!.input).toEqual({})

    useWorkspace.getState().setPath('/home/me/proj')
    const form = await screen.findByRole('form', { name: 'Workspace permissions' })
    expect(within(form).getByText('/home/me/proj')).toBeTruthy()
    expect(rulesIn(form, 'Allow rules')).toEqual(['Edit(src/**)'])
    expect(calls.filter((c) => c.route === 'permissions.get').at(-1)!.input).toEqual({ workspace: '/home/me/proj' })

    await userEvent.click(within(form).getByRole('radio', { name: 'Allow reads' }))
    await userEvent.click(within(form).getByRole('button', { name: 'Save rules' }))
    await waitFor(() => expect(agent.permissions('workspace').defaultMode).toBe('allow-reads'))
    expect(calls.filter((c) => c.route === 'permissions.update').at(-1)!.input).toEqual({
      source: 'workspace',
      permissions: { allow: ['Edit(src/**)'], deny: [], defaultMode: 'allow-reads' },
      workspace: '/home/me/proj',
    })
    // The user level is untouched.
    expect(agent.permissions('user').defaultMode).toBe('ask')

    useWorkspace.getState().setPath('')
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Workspace permissions' })).toBeNull())
  })
})

describe('fieldErrors', () => {
  it('sorts issues from the route (permissions.x) and the settings file (x) by field; others are general', () => {
    const error = (issues: { path: string; message: string }[]) => ({ code: 'E_VALIDATION' as const, message: 'Invalid permissions.', retryable: false, issues })
    expect(fieldErrors(error([{ path: 'permissions.allow.2', message: 'Too big' }, { path: 'deny', message: 'Expected array' }, { path: 'permissions.defaultMode', message: 'Invalid option' }]))).toEqual({
      fields: { allow: ['Rule 3: Too big'], deny: ['Expected array'], defaultMode: ['Invalid option'] },
      general: undefined,
    })
    expect(fieldErrors(error([{ path: 'workspace', message: 'Too small' }]))).toEqual({ fields: {}, general: 'Invalid permissions.' })
  })
})
