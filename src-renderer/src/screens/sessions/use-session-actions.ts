import { useCallback, useMemo } from 'react'
import { routes, type ApiClient, type ErrorShape, type RouteInput, type SessionSummary } from '../../../../src-shared/contract'
import { exportSessionFile, type ExportFormat } from '../../lib/export-session'
import { plural } from '../../lib/format'
import { useAppStore } from '../../store/app-store'

export type SessionPatch = Omit<RouteInput<'sessions.update'>, 'id'>
export type { ExportFormat }

/** Undo for the last delete: what the toast says and what Undo restores. */
export interface UndoOffer {
  message: string
  ids: string[]
}

// The contract's own rule for titles, so the refusal reads the same here as from the core.
const titleSchema = routes['sessions.update'].input.shape.title.unwrap()

/** Why a title would be refused ("a title cannot be empty"), or undefined when it is fine. */
export function titleProblem(title: string): string | undefined {
  const parsed = titleSchema.safeParse(title)
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'This title cannot be used.')
}

const notifyError = (error: ErrorShape): void => useAppStore.getState().notifyError(error)

export interface SessionActionsOptions {
  /** A session changed: show it at once (the list refreshes after every change anyway). */
  onUpdated(session: SessionSummary): void
  /** Something changed that may move or remove rows. */
  onChanged(): void
  /** Sessions went to the trash: offer to undo. */
  onDeleted(offer: UndoOffer): void
}

/** Every session action, each reporting a refusal with the contract's message and hint. */
export function useSessionActions(api: ApiClient, options: SessionActionsOptions) {
  const { onUpdated, onChanged, onDeleted } = options

  const update = useCallback(
    async (id: string, patch: SessionPatch): Promise<SessionSummary | undefined> => {
      const result = await api.call('sessions.update', { id, ...patch })
      if (!result.ok) {
        notifyError(result.error)
        return undefined
      }
      onUpdated(result.value)
      onChanged()
      return result.value
    },
    [api, onUpdated, onChanged],
  )

  /** Bulk changes: one call per session (sessions.update takes one id), stopping at the first refusal. */
  const updateMany = useCallback(
    async (ids: readonly string[], patch: SessionPatch): Promise<number> => {
      let done = 0
      for (const id of ids) {
        const result = await api.call('sessions.update', { id, ...patch })
        if (!result.ok) {
          notifyError(result.error)
          break
        }
        done++
      }
      onChanged()
      return done
    },
    [api, onChanged],
  )

  const remove = useCallback(
    async (ids: readonly string[], title?: string): Promise<boolean> => {
      if (ids.length === 0) return false
      const result = await api.call('sessions.delete', { ids: [...ids] })
      if (!result.ok) {
        notifyError(result.error)
        return false
      }
      onChanged()
      onDeleted({ message: ids.length === 1 && title !== undefined ? `“${title}” moved to the trash` : `${plural(ids.length, 'session')} moved to the trash`, ids: [...ids] })
      return true
    },
    [api, onChanged, onDeleted],
  )

  const restore = useCallback(
    async (ids: readonly string[]): Promise<boolean> => {
      if (ids.length === 0) return false
      const result = await api.call('sessions.restore', { ids: [...ids] })
      if (!result.ok) notifyError(result.error)
      else onChanged()
      return result.ok
    },
    [api, onChanged],
  )

  const exportSession = useCallback((id: string, format: ExportFormat): Promise<boolean> => exportSessionFile(api, id, format), [api])

  return useMemo(() => ({ update, updateMany, remove, restore, exportSession }), [update, updateMany, remove, restore, exportSession])
}

export type SessionActions = ReturnType<typeof useSessionActions>
