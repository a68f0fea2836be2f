import { describe, expect, it } from 'vitest'
import { testIo } from '../../test/support/io'
import { screenOf } from '../../test/support/terminal-screen'
import { progressLine } from './progress-line'

describe('progressLine', () => {
  it('on a terminal, redraws one line per key and keeps the finished ones', () => {
    const io = { ...testIo(), terminal: true, columns: 80 }
    const progress = progressLine(io)
    progress.print('pulling manifest\n')
    progress.update('a', 'layer a 10%')
    progress.update('a', 'layer a 100%')
    progress.update('b', 'layer b 50%')
    progress.update('b', 'layer b 100%')
    progress.print('success\n')
    progress.end()
    expect(screenOf(io.stdout())).toEqual(['pulling manifest', 'layer a 100%', 'layer b 100%', 'success', ''])
  })

  it('cuts a line to the terminal’s width, since a wrapped line cannot be redrawn', () => {
    const io = { ...testIo(), terminal: true, columns: 20 }
    const progress = progressLine(io)
    progress.update('a', 'x'.repeat(50))
    progress.end()
    const [line] = screenOf(io.stdout())
    expect(line).toBe(`${'x'.repeat(18)}…`)
    expect(line!.length).toBeLessThan(20)
  })

  it('elsewhere (a pipe, a log, TERM=dumb), prints every update as its own line with no control characters', () => {
    const io = testIo()
    const progress = progressLine(io)
    progress.update('a', 'layer a 10%')
    progress.update('a', 'layer a 100%')
    progress.print('done\n')
    progress.end()
    expect(io.stdout()).toBe('layer a 10%\nlayer a 100%\ndone\n')
  })
})
