import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { HOOK_EVENTS } from '../../../src-shared/contract'
import { NON_BLOCKING_EVENTS } from './outcome'
import { matchSubjectOf, samplePayload } from './payloads'

const readme = fs.readFileSync(path.join(import.meta.dirname, 'README.md'), 'utf8')
const rows = new Map(readme.split('\n').filter((l) => l.startsWith('| `')).map((l) => [l.split('`')[1]!, l.split('|').map((c) => c.trim())]))

describe('samplePayload', () => {
  it.each(HOOK_EVENTS)('%s has a sample whose fields the README documents', (event) => {
    const sample = samplePayload(event)
    expect(Object.keys(sample).length).toBeGreaterThan(0)
    const row = rows.get(event)
    expect(row, `README.md has no row for ${event}`).toBeDefined()
    for (const field of Object.keys(sample)) expect(row![4], `${event}.${field}`).toContain(`\`${field}\``)
    expect(row![5]!.startsWith('no')).toBe(NON_BLOCKING_EVENTS.has(event))
  })

  it('gives the Claude Code shapes for the tool events', () => {
    expect(samplePayload('PreToolUse')).toEqual({ tool_name: 'Bash', tool_input: { command: 'git status' } })
    expect(samplePayload('Stop')).toEqual({ stop_hook_active: false })
  })

  it('returns a copy each time', () => {
    const first = samplePayload('PreToolUse') as { tool_input: { command: string } }
    first.tool_input.command = 'rm -rf /'
    expect(samplePayload('PreToolUse')).toEqual({ tool_name: 'Bash', tool_input: { command: 'git status' } })
  })
})

describe('matchSubjectOf', () => {
  it.each(HOOK_EVENTS)('%s: matchers are tested against the field the README names', (event) => {
    const sample = samplePayload(event)
    const column = rows.get(event)![3]!
    const subject = matchSubjectOf(event, sample)
    if (column === '—') expect(subject).toBeUndefined()
    else expect(subject).toBe(sample[column.replaceAll('`', '')])
  })

  it('ignores a subject field that is not a string', () => {
    expect(matchSubjectOf('PreToolUse', { tool_name: 3 })).toBeUndefined()
  })
})
