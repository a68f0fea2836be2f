import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import type { FakeApiOptions } from '../../../test/fake-api'
import { emptyOutcome, hookRun, skill } from '../../../test/fake-agent'
import { renderAt } from '../../../test/render'
import { useWorkspace } from '../../store/workspace-store'

const agent: NonNullable<FakeApiOptions['agent']> = {
  user: {
    PreToolUse: [
      { matcher: 'Bash', hooks: [{ type: 'command', command: './guard.sh', timeout: 10 }] },
      { hooks: [{ type: 'command', command: 'log-tool' }] },
    ],
    SessionStart: [{ hooks: [{ type: 'command', command: 'echo hello' }] }],
  },
  workspace: { PreToolUse: [{ matcher: 'Write|Edit', hooks: [{ type: 'command', command: 'npm run lint' }] }] },
  disabled: { user: ['PreToolUse:1:0'] },
  runs: [hookRun('SessionStart', 'echo hello', { durationMs: 8 })],
}

const open = async (extra: FakeApiOptions['agent'] = {}) => {
  const rendered = await renderAt('#/agents', { agent: { ...agent, ...extra } })
  await screen.findByRole('region', { name: 'PreToolUse hooks' })
  return rendered
}
const group = (event: string) => screen.getByRole('region', { name: `${event} hooks` })
const hooksCard = () => screen.getByRole('region', { name: 'Hooks' })

beforeEach(() => {
  useWorkspace.setState({ path: '' })
})

describe('Hooks', () => {
  it('lists hooks grouped by event with matcher, source and timeout; a switch turns one off and on', async () => {
    const { agent: core, calls } = await open()
    expect(screen.getByRole('heading', { level: 1, name: 'Agents' })).toBeTruthy()
    const pre = group('PreToolUse')
    const rows = within(pre).getAllByRole('listitem')
    expect(rows.map((row) => row.getAttribute('aria-label'))).toEqual(['./guard.sh', 'log-tool'])
    expect(within(rows[0]!).getByText('Bash')).toBeTruthy()
    expect(within(rows[0]!).getByText('10 s')).toBeTruthy()
    expect(within(rows[0]!).getByText('user')).toBeTruthy()
    expect(within(rows[1]!).getByText('*')).toBeTruthy()
    expect(within(rows[1]!).getByText('60 s')).toBeTruthy()
    expect(within(group('SessionStart')).getByRole('listitem', { name: 'echo hello' })).toBeTruthy()
    // Without a workspace, its hooks are not listed.
    expect(screen.queryByText('npm run lint')).toBeNull()

    const guard = within(pre).getByRole('switch', { name: 'Run ./guard.sh' })
    const logger = within(pre).getByRole('switch', { name: 'Run log-tool' })
    expect(guard).toHaveProperty('checked', true)
    expect(logger).toHaveProperty('checked', false)
    await userEvent.click(guard)
    await waitFor(() => expect(within(group('PreToolUse')).getByRole('switch', { name: 'Run ./guard.sh' })).toHaveProperty('checked', false))
    expect(calls.filter((c) => c.route === 'hooks.setEnabled').map((c) => c.input)).toEqual([{ id: 'PreToolUse:0:0', source: 'user', enabled: false }])
    await userEvent.click(within(group('PreToolUse')).getByRole('switch', { name: 'Run log-tool' }))
    await waitFor(() => expect(core.disabled('user')).toEqual(['PreToolUse:0:0']))
  })

  it('a workspace folder brings its hooks and is sent with every call', async () => {
    const { calls } = await open()
    await userEvent.type(screen.getByRole('textbox', { name: 'Workspace folder' }), '/home/me/proj')
    await userEvent.click(screen.getByRole('button', { name: 'Use folder' }))
    const row = await within(hooksCard()).findByRole('listitem', { name: 'npm run lint' })
    expect(within(row).getByText('workspace')).toBeTruthy()
    expect(useWorkspace.getState().path).toBe('/home/me/proj')
    expect(calls.filter((c) => c.route === 'hooks.list').at(-1)!.input).toEqual({ workspace: '/home/me/proj' })
    await userEvent.click(within(row).getByRole('switch'))
    await waitFor(() => expect(calls.find((c) => c.route === 'hooks.setEnabled')!.input).toEqual({ id: 'PreToolUse:0:0', source: 'workspace', enabled: false, workspace: '/home/me/proj' }))
  })

  it('the JSON editor shows the file’s hooks, refuses bad JSON and shows the route’s validation errors, and saves good hooks', async () => {
    const { agent: core } = await open()
    await userEvent.click(within(group('PreToolUse')).getAllByRole('button', { name: 'Edit' })[0]!)
    const editor = screen.getByRole('textbox', { name: 'User hooks (JSON)' }) as HTMLTextAreaElement
    expect(JSON.parse(editor.value)).toEqual({
      hooks: {
        PreToolUse: [
          { matcher: 'Bash', hooks: [{ type: 'command', command: './guard.sh', timeout: 10 }] },
          { hooks: [{ type: 'command', command: 'log-tool', timeout: 60 }] },
        ],
        SessionStart: [{ hooks: [{ type: 'command', command: 'echo hello', timeout: 60 }] }],
      },
    })
    const save = screen.getByRole('button', { name: 'Save hooks' })

    fireEvent.change(editor, { target: { value: '{"hooks": {' } })
    await userEvent.click(save)
    expect((await screen.findByRole('alert')).textContent).toContain('Not valid JSON')
    expect(editor.getAttribute('aria-invalid')).toBe('true')

    fireEvent.change(editor, { target: { value: JSON.stringify({ hooks: { PreToolUse: [{ hooks: [{ type: 'command', command: '' }] }] } }) } })
    await userEvent.click(save)
    await waitFor(() => expect(within(screen.getByRole('alert')).getByRole('listitem').textContent).toMatch(/^hooks\.PreToolUse\.0\.hooks\.0\.command: /))
    expect(core.config('user')).toEqual(agent.user)

    fireEvent.change(editor, { target: { value: JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }] } }) } })
    await userEvent.click(save)
    await screen.findByRole('region', { name: 'Stop hooks' })
    expect(screen.queryByRole('textbox', { name: 'User hooks (JSON)' })).toBeNull()
    expect(screen.queryByRole('region', { name: 'PreToolUse hooks' })).toBeNull()
    expect(core.config('user')).toEqual({ Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }] })
  })

  it('a test run shows blocked with its reason, each run’s exit code and time, and the output on demand; the log hears it', async () => {
    await open({
      outcomes: {
        PreToolUse: emptyOutcome('PreToolUse', {
          allowed: false,
          decision: 'deny',
          reason: 'rm -rf is not allowed',
          errors: ['log-tool: exit 1'],
          runs: [
            hookRun('PreToolUse', './guard.sh', { exitCode: 2, decision: 'block', durationMs: 1500, stderr: 'rm -rf is not allowed' }),
            hookRun('PreToolUse', 'log-tool', { exitCode: 1, decision: 'error', durationMs: 40, stdout: 'logged' }),
          ],
        }),
      },
    })
    await userEvent.click(within(group('PreToolUse')).getByRole('button', { name: 'Test run' }))
    const result = await within(group('PreToolUse')).findByRole('status', { name: 'Test result for PreToolUse' })
    expect(within(result).getByText('Blocked')).toBeTruthy()
    expect(result.textContent).toContain('decision: deny')
    expect(within(result).getByText('Reason: rm -rf is not allowed')).toBeTruthy()
    expect(within(result).getByText('log-tool: exit 1')).toBeTruthy()
    expect(within(result).getByText('exit 2').className).toContain('fail')
    expect(within(result).getByText('exit 1')).toBeTruthy()
    expect(result.textContent).toContain('1.5 s · block')
    expect(result.textContent).toContain('40 ms · error')
    const details = result.querySelectorAll('details')
    expect(details[0]!.open).toBe(false)
    expect(within(details[0]! as HTMLElement).getByText('rm -rf is not allowed', { selector: 'pre' })).toBeTruthy()

    const log = screen.getByRole('region', { name: 'Recent hook runs' })
    await waitFor(() => expect(within(log).getAllByRole('row')).toHaveLength(4))
    expect(within(log).getAllByRole('row')[1]!.textContent).toContain('log-tool')
  })

  it('an event whose hooks allow shows Allowed, and a hook that matched nothing says so', async () => {
    await open()
    await userEvent.click(within(group('SessionStart')).getByRole('button', { name: 'Test run' }))
    const result = await within(group('SessionStart')).findByRole('status', { name: 'Test result for SessionStart' })
    expect(within(result).getByText('Allowed')).toBeTruthy()
    expect(result.textContent).toContain('no hook matched')
  })

  it('the log of recent runs updates live on hooks.ran', async () => {
    const { agent: core } = await open()
    const log = screen.getByRole('region', { name: 'Recent hook runs' })
    expect(within(log).getAllByRole('row')).toHaveLength(2)
    act(() => core.ran(hookRun('PreToolUse', './guard.sh', { exitCode: 2, decision: 'block', durationMs: 30 })))
    await waitFor(() => expect(within(log).getAllByRole('row')).toHaveLength(3))
    const newest = within(log).getAllByRole('row')[1]!
    expect(within(newest).getAllByRole('cell').slice(1).map((cell) => cell.textContent)).toEqual(['PreToolUse', './guard.sh', '30 ms', 'exit 2', 'block'])
  })

  it('imports from Claude Code into the workspace and lists what came in', async () => {
    useWorkspace.setState({ path: '/home/me/proj' })
    const { agent: core, calls } = await open({ imports: { claude: 3 } })
    const form = screen.getByRole('form', { name: 'Import hooks' })
    await userEvent.selectOptions(within(form).getByRole('combobox', { name: 'Into' }), 'This workspace')
    const listsBefore = calls.filter((c) => c.route === 'hooks.list').length
    await userEvent.click(within(form).getByRole('button', { name: 'Import' }))
    await waitFor(() => expect(core.imports()).toEqual([{ from: 'claude', into: 'workspace', workspace: '/home/me/proj' }]))
    expect(await screen.findByText('Imported 3 hooks into /home/me/proj/.ollama-desk/settings.json.')).toBeTruthy()
    await waitFor(() => expect(calls.filter((c) => c.route === 'hooks.list').length).toBe(listsBefore + 1))

    await userEvent.selectOptions(within(form).getByRole('combobox', { name: 'From' }), 'qarin')
    await userEvent.selectOptions(within(form).getByRole('combobox', { name: 'Into' }), 'User level')
    await userEvent.click(within(form).getByRole('button', { name: 'Import' }))
    await waitFor(() => expect(core.imports().at(-1)).toEqual({ from: 'qarin', into: 'user', workspace: '/home/me/proj' }))
    expect(await screen.findByText('No hooks to import from qarin.')).toBeTruthy()
  })
})

describe('Skills', () => {
  const skills = [
    skill('review', { description: 'Review the diff', allowedTools: ['Read', 'Grep'], model: 'qwen3', hasHooks: true }),
    skill('deploy', { description: 'Ship it', source: 'workspace' }),
  ]

  it('lists skills with source, tools, model and hooks; Run shows the content returned', async () => {
    useWorkspace.setState({ path: '/home/me/proj' })
    const { calls } = await renderAt('#/agents', { agent: { skills } })
    const review = await screen.findByRole('listitem', { name: 'review' })
    expect(within(review).getByText('/review')).toBeTruthy()
    expect(within(review).getByText('Review the diff')).toBeTruthy()
    expect(within(review).getByText('Allowed tools: Read, Grep')).toBeTruthy()
    expect(within(review).getByText('qwen3')).toBeTruthy()
    expect(within(review).getByText('has hooks')).toBeTruthy()
    expect(within(screen.getByRole('listitem', { name: 'deploy' })).getByText('workspace')).toBeTruthy()
    expect(within(screen.getByRole('listitem', { name: 'deploy' })).queryByText('has hooks')).toBeNull()

    await userEvent.type(within(review).getByRole('textbox', { name: 'Arguments for review' }), 'src/a.ts')
    await userEvent.click(within(review).getByRole('button', { name: 'Run' }))
    const result = await within(review).findByRole('status', { name: 'Result of review' })
    expect(within(result).getByText('Allowed')).toBeTruthy()
    expect(result.querySelector('pre')!.textContent).toBe('# review\nsrc/a.ts')
    expect(calls.find((c) => c.route === 'skills.run')!.input).toEqual({ name: 'review', args: 'src/a.ts', workspace: '/home/me/proj' })
  })

  it('a skill a hook denies shows Denied and the reason', async () => {
    await renderAt('#/agents', { agent: { skills, skillRuns: { review: { allowed: false, reason: 'Not on the main branch', content: '' } } } })
    const review = await screen.findByRole('listitem', { name: 'review' })
    // Workspace skills need a workspace.
    expect(screen.queryByRole('listitem', { name: 'deploy' })).toBeNull()
    await userEvent.click(within(review).getByRole('button', { name: 'Run' }))
    const result = await within(review).findByRole('status', { name: 'Result of review' })
    expect(within(result).getByText('Denied')).toBeTruthy()
    expect(result.textContent).toContain('Not on the main branch')
    expect(result.className).toContain('blocked')
  })
})
