import { describe, expect, it } from 'vitest'
import { parseLines, rowsOf, splitRows } from './variables'

describe('MCP variable rows', () => {
  it('splits rows into plain values, secret names and only the secret values typed now', () => {
    const rows = [
      ...rowsOf({ LOG: 'debug' }, ['OLD_TOKEN']),
      { key: ' NEW_TOKEN ', value: 's3cret', secret: true, stored: false },
      { key: 'EMPTY_SECRET', value: '', secret: true, stored: false },
      { key: '', value: 'orphan', secret: false, stored: false },
      { key: 'BLANK', value: '', secret: false, stored: false },
    ]
    expect(splitRows(rows)).toEqual({ plain: { LOG: 'debug', BLANK: '' }, secretNames: ['OLD_TOKEN', 'NEW_TOKEN'], secretValues: { NEW_TOKEN: 's3cret' } })
  })

  it('reads pasted KEY=VALUE and Name: value lines, keeping = or : inside values', () => {
    expect(parseLines('A=1\n\n  B = x=y \nC', '=').map(({ key, value }) => [key, value])).toEqual([['A', '1'], ['B', 'x=y'], ['C', '']])
    expect(parseLines('Authorization: Bearer a:b\r\nX-Team: core', ':').map(({ key, value }) => [key, value])).toEqual([['Authorization', 'Bearer a:b'], ['X-Team', 'core']])
  })
})
