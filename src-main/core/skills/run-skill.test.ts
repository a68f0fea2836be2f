import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { HookOutcome, HooksConfig } from '../../../src-shared/contract'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { discoverSkills, findSkill, type LoadedSkill } from './discover'
import { expandArguments, mergeOutcomes, runSkill, skillSlashCommand, type SkillHookRunner } from './run-skill'
import { ShellHookRunner } from './testdata/shell-hook-runner'

afterEach(removeTempDirs)

const TESTDATA = path.join(import.meta.dirname, 'testdata', 'skills')
const hasPython = spawnSync('python3', ['--version']).status === 0

/** The testdata skills copied to a temp user dir, so their scripts can leave markers there. */
async function loadTestSkills(): Promise<{ skills: LoadedSkill[]; cwd: string }> {
  const userDir = makeTempDir()
  fs.cpSync(TESTDATA, userDir, { recursive: true })
  const found = await discoverSkills({ userDir })
  expect(found.problems).toEqual([])
  return { skills: found.skills, cwd: makeTempDir() }
}

const command = (text: string, matcher?: string): NonNullable<HooksConfig['SkillTrigger']> => [{ ...(matcher === undefined ? {} : { matcher }), hooks: [{ type: 'command', command: text }] }]
const q = (file: string): string => `'${file.replaceAll("'", "'\\''")}'`

describe('runSkill', () => {
  it('runs the skill’s own bash script in its folder with the JSON payload, then returns its instructions', async () => {
    const { skills, cwd } = await loadTestSkills()
    const skill = findSkill(skills, 'marker-bash')
    const runner = new ShellHookRunner({})

    const result = await runSkill(skill, { args: 'the release notes', sessionId: 's-1', workspace: null, cwd }, runner)

    expect(result.allowed).toBe(true)
    expect(result.content).toBe('# Marker (bash)\n\nSummarise the release notes in one line.\n\nbash script ran')
    const dir = skill.skill.dir
    expect(fs.readFileSync(path.join(dir, 'marker.txt'), 'utf8')).toBe(`ran in ${fs.realpathSync(dir)}\n`)
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'payload.json'), 'utf8'))).toEqual({
      session_id: 's-1',
      cwd: dir,
      hook_event_name: 'SkillTrigger',
      skill_name: 'marker-bash',
      args: 'the release notes',
      skill_dir: dir,
    })
    expect(runner.calls.map((call) => [call.kind, call.event, call.ctx.cwd, call.ctx.matchOn])).toEqual([
      ['fire', 'SkillTrigger', cwd, 'marker-bash'],
      ['runConfig', 'SkillTrigger', dir, 'marker-bash'],
    ])
    expect(result.outcome).toMatchObject({ event: 'SkillTrigger', allowed: true, errors: [], additionalContext: 'bash script ran' })
    expect(result.outcome.runs.map((run) => [run.command, run.exitCode])).toEqual([['./scripts/mark.sh', 0]])
  })

  it.skipIf(!hasPython)('runs a python3 script the same way', async () => {
    const { skills, cwd } = await loadTestSkills()
    const skill = findSkill(skills, 'marker-python')

    const result = await runSkill(skill, { args: '--fast', sessionId: null, cwd }, new ShellHookRunner({}))

    expect(fs.readFileSync(path.join(skill.skill.dir, 'marker.txt'), 'utf8')).toBe('SkillTrigger marker-python --fast\n')
    expect(result).toMatchObject({ allowed: true, content: 'Check the repository.\n\nARGUMENTS: --fast\n\npython saw args=--fast' })
  })

  it('does not run the skill when a global SkillTrigger hook denies it (exit 2 with a reason)', async () => {
    const { skills, cwd } = await loadTestSkills()
    const skill = findSkill(skills, 'marker-bash')
    const runner = new ShellHookRunner({ SkillTrigger: command('cat > /dev/null; echo "skills are disabled here" >&2; exit 2', 'marker-.*') })

    const result = await runSkill(skill, { args: 'x', sessionId: 's', cwd }, runner)

    expect(result).toMatchObject({ allowed: false, reason: 'skills are disabled here', content: '' })
    expect(result.outcome).toMatchObject({ event: 'SkillTrigger', allowed: false, decision: 'deny', reason: 'skills are disabled here' })
    expect(result.outcome.runs.map((run) => [run.exitCode, run.decision])).toEqual([[2, 'block']])
    expect(fs.existsSync(path.join(skill.skill.dir, 'marker.txt'))).toBe(false)
    expect(runner.calls.map((call) => call.kind)).toEqual(['fire'])
  })

  it('runs global SkillTrigger hooks only when their matcher matches the skill name, and adds their context', async () => {
    const { skills, cwd } = await loadTestSkills()
    const skill = findSkill(skills, 'subagent-model')
    const log = path.join(cwd, 'global.log')
    const runner = new ShellHookRunner({
      SkillTrigger: [
        ...command(`cat >> ${q(log)}; echo >> ${q(log)}; exit 2`, 'other-skill'),
        ...command(`cat > /dev/null; echo '{"hookSpecificOutput":{"additionalContext":"house style: be brief"}}'`, 'subagent-.*'),
      ],
    })

    const result = await runSkill({ ...skill, skill: { ...skill.skill, model: undefined } }, { args: 'hello "en français"', sessionId: null, cwd }, runner)

    expect(fs.existsSync(log)).toBe(false)
    expect(result).toMatchObject({ allowed: true, content: 'Translate hello into en français.\n\nhouse style: be brief' })
    expect(result.subagent).toBeUndefined()
  })

  it('reports the skill’s own script blocking it, with the global outcome kept in the log', async () => {
    const { skills, cwd } = await loadTestSkills()
    const runner = new ShellHookRunner({ SkillTrigger: command('cat > /dev/null; echo global-ok') })

    const result = await runSkill(findSkill(skills, 'blocking-script'), { sessionId: null, cwd }, runner)

    expect(result).toMatchObject({ allowed: false, reason: 'the working tree is dirty', content: '' })
    expect(result.outcome.runs.map((run) => [run.command, run.decision])).toEqual([
      ['cat > /dev/null; echo global-ok', 'none'],
      ['sh ./scripts/refuse.sh', 'block'],
    ])
  })

  it('fires SubagentStart and SubagentStop around a skill with its own model', async () => {
    const { skills, cwd } = await loadTestSkills()
    const skill = findSkill(skills, 'subagent-model')
    const log = path.join(cwd, 'events.log')
    const append = `cat >> ${q(log)}; echo >> ${q(log)}`
    const runner = new ShellHookRunner({
      SubagentStart: command(`${append}; echo '{"hookSpecificOutput":{"additionalContext":"you are a sub-agent"}}'`),
      SkillTrigger: command(append),
      SubagentStop: command(append),
    })

    const result = await runSkill(skill, { args: 'bonjour English', sessionId: 's-9', workspace: cwd, cwd, randomSuffix: () => 'abc123' }, runner)

    expect(result).toMatchObject({ allowed: true, content: 'Translate bonjour into English.\n\nyou are a sub-agent' })
    const events = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(events).toEqual([
      { session_id: 's-9', cwd, hook_event_name: 'SubagentStart', agent_id: 'subagent-model-abc123', agent_type: 'skill' },
      { session_id: 's-9', cwd, hook_event_name: 'SkillTrigger', skill_name: 'subagent-model', args: 'bonjour English', skill_dir: skill.skill.dir },
      { session_id: 's-9', cwd, hook_event_name: 'SubagentStop', agent_id: 'subagent-model-abc123', agent_type: 'skill', stop_hook_active: false },
    ])
    expect(result.subagent?.agentId).toBe('subagent-model-abc123')
    expect(result.subagent?.stop?.runs).toHaveLength(1)
  })

  it('still fires SubagentStop when the skill is denied, and not at all when SubagentStart blocks', async () => {
    const { skills, cwd } = await loadTestSkills()
    const skill = findSkill(skills, 'subagent-model')
    const denying = new ShellHookRunner({ SkillTrigger: command('echo no >&2; exit 2'), SubagentStop: command('cat > /dev/null') })
    const denied = await runSkill(skill, { sessionId: null, cwd }, denying)
    expect(denied).toMatchObject({ allowed: false, reason: 'no' })
    expect(denying.calls.map((call) => call.event)).toEqual(['SubagentStart', 'SkillTrigger', 'SubagentStop'])
    expect(denied.subagent?.agentId).toMatch(/^subagent-model-[0-9a-f]{8}$/)

    const blockingStart = new ShellHookRunner({ SubagentStart: command('echo "no sub-agents" >&2; exit 2') })
    const stopped = await runSkill(skill, { sessionId: null, cwd }, blockingStart)
    expect(stopped).toMatchObject({ allowed: false, reason: 'no sub-agents', content: '', outcome: { event: 'SubagentStart' } })
    expect(blockingStart.calls.map((call) => call.event)).toEqual(['SubagentStart'])
  })

  it('fires SubagentStop even when the hook runner fails mid-skill', async () => {
    const { skills, cwd } = await loadTestSkills()
    const shell = new ShellHookRunner({})
    const events: string[] = []
    const failing: SkillHookRunner = {
      fire: async (event, fields, ctx) => {
        events.push(event)
        if (event === 'SkillTrigger') throw new Error('hook runner crashed')
        return shell.fire(event, fields, ctx)
      },
      runConfig: (hooks, event, fields, ctx) => shell.runConfig(hooks, event, fields, ctx),
    }
    await expect(runSkill(findSkill(skills, 'subagent-model'), { sessionId: null, cwd }, failing)).rejects.toThrow('hook runner crashed')
    expect(events).toEqual(['SubagentStart', 'SkillTrigger', 'SubagentStop'])
  })
})

describe('expandArguments', () => {
  it.each([
    ['Review $ARGUMENTS now', '42', 'Review 42 now'],
    ['$ARGUMENTS and again $ARGUMENTS', 'x', 'x and again x'],
    ['No placeholder.', '42', 'No placeholder.\n\nARGUMENTS: 42'],
    ['No placeholder.', '  ', 'No placeholder.'],
    ['Empty: [$ARGUMENTS]', '', 'Empty: []'],
    ['Keep $& literal: $ARGUMENTS', "$& $1 $' $$", "Keep $& literal: $& $1 $' $$"],
    ['From $ARGUMENTS[0] to $ARGUMENTS[1], missing [$ARGUMENTS[5]]', "'a b' \"c \\\"d\\\"\"", 'From a b to c "d", missing []'],
  ])('%j with %j', (body, args, expected) => {
    expect(expandArguments(body, args)).toBe(expected)
  })
})

describe('skillSlashCommand', () => {
  it.each([
    ['/review-pr 42', { name: 'review-pr', args: '42' }],
    ['/deploy', { name: 'deploy', args: '' }],
    ['/deploy   ', { name: 'deploy', args: '' }],
    ['/explain  the diff\nline two ', { name: 'explain', args: 'the diff\nline two' }],
    ['/a1-b2\tx', { name: 'a1-b2', args: 'x' }],
  ])('%j → %j', (text, expected) => {
    expect(skillSlashCommand(text)).toEqual(expected)
  })

  it.each(['hello /review-pr', '/usr/bin/env', '/Review', '/review--pr', '/-x', '/', '//x', ` /review`, `/${'a'.repeat(65)}`])('%j is not a skill command', (text) => {
    expect(skillSlashCommand(text)).toBeNull()
  })
})

describe('mergeOutcomes', () => {
  const outcome = (over: Partial<HookOutcome>): HookOutcome => ({ event: 'SkillTrigger', allowed: true, decision: 'none', systemMessages: [], errors: [], runs: [], ...over })
  it('keeps the strongest decision, the blocker’s reason, and every message', () => {
    const merged = mergeOutcomes('SkillTrigger', [
      outcome({ decision: 'allow', reason: 'fine', additionalContext: 'a', systemMessages: ['m1'], updatedInput: { x: 1 } }),
      outcome({ allowed: false, decision: 'deny', reason: 'stop', errors: ['e1'], additionalContext: 'b', updatedInput: { y: 2 } }),
    ])
    expect(merged).toEqual({ event: 'SkillTrigger', allowed: false, decision: 'deny', reason: 'stop', additionalContext: 'a\n\nb', updatedInput: { x: 1, y: 2 }, systemMessages: ['m1'], errors: ['e1'], runs: [] })
    expect(mergeOutcomes('SkillTrigger', [outcome({ decision: 'ask' }), outcome({ decision: 'allow' })])).toEqual(outcome({ decision: 'ask' }))
  })
})
