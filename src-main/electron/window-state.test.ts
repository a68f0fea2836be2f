import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../test/support/tmp'
import { WindowStateFile } from './window-state'

afterEach(removeTempDirs)

const displays = [
  { x: 0, y: 0, width: 1920, height: 1080 },
  { x: 1920, y: 0, width: 1280, height: 1024 },
]

function stateFile(content?: string) {
  const file = path.join(makeTempDir(), 'window-state.json')
  if (content !== undefined) fs.writeFileSync(file, content)
  return new WindowStateFile(file)
}

describe('WindowStateFile', () => {
  it('round-trips what it saved, creating the folder', () => {
    const file = path.join(makeTempDir(), 'deep', 'window-state.json')
    const state = new WindowStateFile(file)
    state.save({ bounds: { x: 100, y: 100, width: 1000, height: 700 }, maximized: true })
    expect(state.load(displays)).toEqual({ bounds: { x: 100, y: 100, width: 1000, height: 700 }, maximized: true })
  })

  it('keeps a window on the second display', () => {
    const state = stateFile(JSON.stringify({ bounds: { x: 2000, y: 10, width: 800, height: 600 } }))
    expect(state.load(displays)).toEqual({ bounds: { x: 2000, y: 10, width: 800, height: 600 }, maximized: false })
  })

  it.each([
    ['right of every display', { x: 5000, y: 10 }],
    ['left of every display', { x: -2000, y: 10 }],
    ['below every display', { x: 10, y: 3000 }],
    ['title bar above the top', { x: 10, y: -100 }],
    ['no position', {}],
    ['position not numbers', { x: '10', y: '10' }],
    ['position not finite', { x: null, y: 10 }],
  ])('forgets an off-screen position (%s) but keeps the size', (_name, position) => {
    const state = stateFile(JSON.stringify({ bounds: { ...position, width: 800, height: 600 }, maximized: true }))
    expect(state.load(displays)).toEqual({ bounds: { width: 800, height: 600 }, maximized: true })
  })

  it('forgets everything when no display is left', () => {
    const state = stateFile(JSON.stringify({ bounds: { x: 10, y: 10, width: 800, height: 600 } }))
    expect(state.load([])).toEqual({ bounds: { width: 800, height: 600 }, maximized: false })
  })

  it.each([
    ['missing file', undefined, {}],
    ['corrupt JSON', '{nope', {}],
    ['JSON null', 'null', {}],
    ['a number', '42', {}],
    ['no bounds', '{"maximized":true}', { maximized: true }],
    ['bad size', '{"bounds":{"x":1,"y":1,"width":"big","height":600}}', { maximized: false }],
  ])('survives a %s', (_name, content, expected) => {
    expect(stateFile(content).load(displays)).toEqual(expected)
  })
})
