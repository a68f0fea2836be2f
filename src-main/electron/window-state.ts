import fs from 'node:fs'
import path from 'node:path'

interface Rectangle {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  bounds?: { x?: number; y?: number; width: number; height: number }
  maximized?: boolean
}

/** Remembers where the window was; forgets a position that no longer fits any display. */
export class WindowStateFile {
  constructor(private readonly file: string) {}

  load(displays: readonly Rectangle[]): WindowState {
    let state: WindowState | null
    try {
      state = JSON.parse(fs.readFileSync(this.file, 'utf8')) as WindowState | null
    } catch {
      return {}
    }
    if (typeof state !== 'object' || state === null) return {}
    const maximized = state.maximized === true
    const b = state.bounds
    if (!b || !Number.isFinite(b.width) || !Number.isFinite(b.height)) return { maximized }
    const { x, y, width, height } = b
    const visible =
      typeof x === 'number' &&
      Number.isFinite(x) &&
      typeof y === 'number' &&
      Number.isFinite(y) &&
      displays.some((d) => x < d.x + d.width && x + width > d.x && y < d.y + d.height && y + 48 > d.y)
    // Off every screen (a monitor was unplugged): keep the size, let the OS place it.
    return { bounds: visible ? { x, y, width, height } : { width, height }, maximized }
  }

  save(state: WindowState): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    fs.writeFileSync(this.file, JSON.stringify(state))
  }
}
