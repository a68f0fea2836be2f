import { useCallback, useEffect, useState } from 'react'
import type { ErrorShape, HookEntry, HookEvent, HookOutcome, HookRun, HooksConfig, Result } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'
import { useAppStore } from '../../store/app-store'
import { workspaceInput } from '../../store/workspace-store'

/** How many runs the log keeps; the core keeps its own longer history. */
const LOG_SIZE = 50

export type HookSource = HookEntry['source']
export type ImportFrom = 'claude' | 'ollama-cli' | 'qarin'

export interface HooksData {
  entries: HookEntry[]
  /** Newest first. */
  runs: HookRun[]
  files: { user: string; workspace: string | null }
  loading: boolean
  problem: ErrorShape | undefined
  setEnabled(entry: HookEntry, enabled: boolean): Promise<void>
  /** Resolves to the route's error (shown next to the editor), or undefined when saved. */
  save(source: HookSource, hooks: HooksConfig): Promise<ErrorShape | undefined>
  test(event: HookEvent): Promise<Result<HookOutcome>>
  importFrom(from: ImportFrom, into: HookSource): Promise<void>
}

/** Every hook of the user and (when set) the workspace, kept in step with the core and its `hooks.ran` pushes. */
export function useHooks(workspace: string): HooksData {
  const api = useApi()
  const [entries, setEntries] = useState<HookEntry[]>([])
  const [runs, setRuns] = useState<HookRun[]>([])
  const [files, setFiles] = useState<HooksData['files']>({ user: '', workspace: null })
  const [loading, setLoading] = useState(true)
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const [version, setVersion] = useState(0)

  useEffect(() => {
    let live = true
    setLoading(true)
    void api.call('hooks.list', workspaceInput(workspace)).then((result) => {
      if (!live) return
      setLoading(false)
      if (!result.ok) return setProblem(result.error)
      setProblem(undefined)
      setEntries(result.value.entries)
      setRuns([...result.value.runs].reverse().slice(0, LOG_SIZE))
      setFiles({ user: result.value.userFile, workspace: result.value.workspaceFile })
    })
    return () => {
      live = false
    }
  }, [api, workspace, version])

  useEffect(() => api.on('hooks.ran', (run) => setRuns((previous) => [run, ...previous].slice(0, LOG_SIZE))), [api])

  const setEnabled = useCallback(
    async (entry: HookEntry, enabled: boolean) => {
      const result = await api.call('hooks.setEnabled', { id: entry.id, source: entry.source, enabled, ...workspaceInput(workspace) })
      if (result.ok) setEntries(result.value.entries)
      else useAppStore.getState().notifyError(result.error)
    },
    [api, workspace],
  )

  const save = useCallback(
    async (source: HookSource, hooks: HooksConfig) => {
      const result = await api.call('hooks.save', { source, hooks, ...workspaceInput(workspace) })
      if (!result.ok) return result.error
      setEntries(result.value.entries)
      return undefined
    },
    [api, workspace],
  )

  const test = useCallback((event: HookEvent) => api.call('hooks.test', { event, ...workspaceInput(workspace) }), [api, workspace])

  const importFrom = useCallback(
    async (from: ImportFrom, into: HookSource) => {
      const result = await api.call('hooks.import', { from, into, ...workspaceInput(workspace) })
      const store = useAppStore.getState()
      if (!result.ok) return store.notifyError(result.error)
      const count = result.value.imported
      store.notify({ level: 'info', message: count === 0 ? `No hooks to import from ${from}.` : `Imported ${count} hook${count === 1 ? '' : 's'} into ${result.value.file}.`, timeoutMs: 6000 })
      setVersion((n) => n + 1)
    },
    [api, workspace],
  )

  return { entries, runs, files, loading, problem, setEnabled, save, test, importFrom }
}

/** The hooks config of one source, rebuilt from its entries (ids are `event:index:hookIndex`). */
export function configOf(entries: readonly HookEntry[], source: HookSource): HooksConfig {
  const config: Record<string, { matcher?: string; hooks: { type: 'command'; command: string; timeout: number }[] }[]> = {}
  for (const entry of entries) {
    if (entry.source !== source) continue
    const [, index, hookIndex] = entry.id.split(':').map(Number)
    const groups = (config[entry.event] ??= [])
    const group = (groups[index ?? 0] ??= { ...(entry.matcher ? { matcher: entry.matcher } : {}), hooks: [] })
    group.hooks[hookIndex ?? 0] = { type: 'command', command: entry.command, timeout: entry.timeout }
  }
  // Ids may skip numbers (a group without hooks); the file keeps no holes.
  for (const event of Object.keys(config)) config[event] = config[event]!.filter(Boolean).map((g) => ({ ...g, hooks: g.hooks.filter(Boolean) }))
  return config as HooksConfig
}
