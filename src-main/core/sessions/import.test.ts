import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { useEngines, useTempDirs } from './testdata/helpers'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'import')

describe('import', () => {
  const tempDir = useTempDirs()
  const openEngine = useEngines(tempDir)

  function fakeHome(): string {
    const home = tempDir()
    fs.mkdirSync(path.join(home, '.ollama', 'sessions'), { recursive: true })
    fs.mkdirSync(path.join(home, '.qarin', 'sessions'), { recursive: true })
    fs.copyFileSync(path.join(fixtures, 'ollama-cli-session.json'), path.join(home, '.ollama', 'sessions', 'a1b2c3d4e5f6.json'))
    fs.copyFileSync(path.join(fixtures, 'qarin-session.json'), path.join(home, '.qarin', 'sessions', '9f8e7d6c5b4a.json'))
    fs.writeFileSync(path.join(home, '.ollama', 'sessions', 'notes.txt'), 'ignored')
    return home
  }

  it('finds and imports ollama-cli and qarin session files, once', () => {
    const engine = openEngine()
    const home = fakeHome()
    const files = engine.findImportableFiles(home)
    expect(files.map((f) => path.relative(home, f))).toEqual([path.join('.ollama', 'sessions', 'a1b2c3d4e5f6.json'), path.join('.qarin', 'sessions', '9f8e7d6c5b4a.json')])
    expect(engine.findImportableFiles(tempDir())).toEqual([])

    expect(engine.importFiles(files)).toEqual({ imported: 2, skipped: 0, errors: [] })
    const sessions = engine.listSessions({ sort: 'created', order: 'asc' }).sessions
    expect(sessions.map((s) => [s.title, s.source])).toEqual([
      ['Write a Python function that reverses a linked list.', 'ollama-cli'],
      ['Explain Rust lifetimes in one sentence.', 'qarin'],
    ])
    expect(sessions[0]!.createdAt).toBe(Date.parse('2025-02-10T14:03:11.402Z'))
    const messages = engine.getMessages(sessions[0]!.id).messages
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant'])
    expect(messages[2]).toMatchObject({
      reasoning: 'The user wants an iterative solution; maybe read the file first.',
      toolCalls: [{ name: 'read_file', arguments: { path: 'linked_list.py' } }],
      provider: 'ollama',
      model: 'llama3.2',
    })
    expect(messages.slice(1).every((m, i) => m.parentId === messages[i]!.id)).toBe(true)
    expect(engine.search('linked list').length).toBeGreaterThan(0)

    expect(engine.importFiles(files)).toEqual({ imported: 0, skipped: 2, errors: [] })
  })

  it('imports a ChatGPT export along the branch the user last saw', () => {
    const engine = openEngine()
    const file = path.join(fixtures, 'conversations.json')
    expect(engine.importFiles([file])).toEqual({ imported: 2, skipped: 0, errors: [] })
    const [sourdough, regex] = engine.listSessions({ sort: 'created', order: 'asc' }).sessions
    expect(sourdough).toMatchObject({ title: 'Sourdough starter help', source: 'chatgpt', createdAt: 1714557600123, messageCount: 4 })
    const texts = engine.getMessages(sourdough!.id).messages.map((m) => [m.role, m.text, m.model])
    expect(texts).toEqual([
      ['user', 'My starter smells like nail polish. Is it dead?', null],
      ['assistant', 'Not dead, just hungry: the acetone smell means it needs feeding more often.', 'gpt-4o'],
      ['user', 'Here is a photo, how does it look?', null],
      ['assistant', 'Bubbly and active. Bake tomorrow.', 'gpt-4o'],
    ])
    expect(engine.getMessages(regex!.id).messages.map((m) => m.text)).toEqual(['Regex for YYYY-MM-DD?', '^\\d{4}-\\d{2}-\\d{2}$'])
    expect(engine.search('regenerated')).toEqual([])
    expect(engine.importFiles([file])).toEqual({ imported: 0, skipped: 2, errors: [] })
  })

  it('keeps importing when one conversation or file is bad, and reports each one', () => {
    const engine = openEngine()
    const dir = tempDir()
    const write = (name: string, content: string) => {
      fs.writeFileSync(path.join(dir, name), content)
      return path.join(dir, name)
    }
    const good = JSON.parse(fs.readFileSync(path.join(fixtures, 'conversations.json'), 'utf8')) as unknown[]
    const mixed = write('mixed.json', JSON.stringify([good[0], { title: 'Empty', mapping: {} }, { title: 'No text', mapping: { x: { id: 'x', message: { author: { role: 'user' }, content: { parts: [{}] } } } }, current_node: 'x' }]))
    const files = [
      write('broken.json', '{"session_id": "abc", '),
      write('array.json', '[1, 2, 3]'),
      write('other.json', JSON.stringify({ hello: 'world' })),
      write('no-messages.json', JSON.stringify({ session_id: 'x1', context_manager: { messages: 'nope' } })),
      write('bad-role.json', JSON.stringify({ session_id: 'x2', context_manager: { messages: [{ role: 'wizard', content: 'hi' }] } })),
      write('bad-entry.json', JSON.stringify({ session_id: 'x3', context_manager: { messages: [42] } })),
      write('empty.json', JSON.stringify({ session_id: 'x4', context_manager: { messages: [] } })),
      write('huge.json', JSON.stringify({ session_id: 'x5', context_manager: { messages: [{ role: 'user', content: 'a'.repeat(10_000_001) }] } })),
      path.join(dir, 'missing.json'),
      mixed,
    ]
    const result = engine.importFiles(files)
    expect(result.imported).toBe(1)
    expect(result.skipped).toBe(0)
    const errors = Object.fromEntries(result.errors.map((e) => [path.basename(e.file), e.message]))
    expect(errors).toEqual({
      'broken.json': 'The file is not valid JSON.',
      'array.json': expect.stringMatching(/not a ChatGPT export/),
      'other.json': expect.stringMatching(/not a ChatGPT export/),
      'no-messages.json': expect.stringMatching(/messages is not a list/),
      'bad-role.json': expect.stringMatching(/unknown role/),
      'bad-entry.json': expect.stringMatching(/not an object/),
      'empty.json': expect.stringMatching(/no messages/),
      'huge.json': expect.stringMatching(/at most 10000000 characters/),
      'missing.json': `There is no file at ${path.join(dir, 'missing.json')}.`,
      'mixed.json › conversation 2 "Empty"': expect.stringMatching(/no readable messages/),
      'mixed.json › conversation 3 "No text"': expect.stringMatching(/no readable messages/),
    })
    expect(engine.listSessions().sessions.map((s) => s.title)).toEqual(['Sourdough starter help'])
    expect(() => engine.importFiles('x' as unknown as string[])).toThrow(expect.objectContaining({ code: 'E_VALIDATION' }))
  })

  it('imports large but valid messages whole', () => {
    const engine = openEngine()
    const dir = tempDir()
    const big = 'word '.repeat(400_000)
    fs.writeFileSync(path.join(dir, 's.json'), JSON.stringify({ session_id: 'big', start_time: 1_700_000_000_000, context_manager: { messages: [{ role: 'user', content: big }, { role: 'assistant', content: ['part one', 7, 'part two'] }] } }))
    expect(engine.importFiles([path.join(dir, 's.json')])).toMatchObject({ imported: 1 })
    const session = engine.listSessions().sessions[0]!
    const messages = engine.getMessages(session.id).messages
    expect(messages[0]!.text).toHaveLength(big.length)
    expect(messages[1]!.text).toBe('part one\npart two')
    expect(session.title).toBe(`${'word '.repeat(16).slice(0, 79)}…`)
  })

  it('round-trips our own JSON export, ids and all', () => {
    const source = openEngine()
    const session = source.createSession({ title: 'Round trip', tags: ['keep'], workspace: '/w' })
    source.setPinned(session.id, true)
    const q = source.appendMessage(session.id, { role: 'user', text: 'Describe this', attachments: [{ name: 'dot.png', mime: 'image/png', data: new Uint8Array([137, 80, 78, 71]) }] })
    const a = source.appendMessage(session.id, { role: 'assistant', text: 'A dot.', reasoning: 'tiny', usage: { inputTokens: 9, outputTokens: 2 }, cost: 0.1, timings: { totalMs: 3 }, toolCalls: [{ name: 't', arguments: {} }] })
    const branch = source.appendMessage(session.id, { role: 'assistant', text: 'Another answer', parentId: q.id })
    const live = source.startStreamingMessage(session.id)
    source.appendStreamingText(live.id, 'cut off')
    const json = source.exportSession(session.id, 'json', 'all')

    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'export.json'), json)
    const target = openEngine()
    expect(target.importFiles([path.join(dir, 'export.json')])).toEqual({ imported: 1, skipped: 0, errors: [] })
    expect(target.getSession(session.id)).toMatchObject({ title: 'Round trip', tags: ['keep'], workspace: '/w', pinned: true, messageCount: 4 })
    const messages = target.getMessages(session.id).messages
    const original = source.getMessages(session.id).messages
    expect(messages.map((m) => m.id)).toEqual(original.map((m) => m.id))
    expect(messages.slice(0, 3)).toEqual(original.slice(0, 3))
    expect(target.getMessage(branch.id).parentId).toBe(q.id)
    expect(target.getMessage(a.id)).toEqual(source.getMessage(a.id))
    expect(target.getMessage(live.id)).toMatchObject({ status: 'error', text: 'cut off', error: 'Interrupted before export.' })
    expect(Array.from(target.readAttachment(q.attachments[0]!.sha256))).toEqual([137, 80, 78, 71])
    expect(target.importFiles([path.join(dir, 'export.json')])).toMatchObject({ imported: 0, skipped: 1 })

    const doc = JSON.parse(json) as Record<string, unknown>
    const variants: [string, unknown][] = [
      ['v2.json', { ...doc, version: 2 }],
      ['no-id.json', { ...doc, session: { title: 'x' } }],
      ['bad-messages.json', { ...doc, session: { id: '018f2c1e-0000-7000-8000-0000000000ff' }, messages: {} }],
      ['bad-message.json', { ...doc, session: { id: '018f2c1e-0000-7000-8000-0000000000fe' }, messages: [{ text: 'no id' }] }],
    ]
    for (const [name, value] of variants) fs.writeFileSync(path.join(dir, name), JSON.stringify(value))
    const result = target.importFiles(variants.map(([name]) => path.join(dir, name)))
    expect(result.errors.map((e) => [path.basename(e.file), e.message])).toEqual([
      ['v2.json', expect.stringMatching(/version 2 is not supported/)],
      ['no-id.json', expect.stringMatching(/session.id is missing/)],
      ['bad-messages.json', expect.stringMatching(/messages is not a list/)],
      ['bad-message.json', expect.stringMatching(/message 0 has no id/)],
    ])
  })
})
