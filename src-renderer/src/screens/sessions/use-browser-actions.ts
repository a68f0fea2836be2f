import { useCallback, useRef, useState } from 'react'
import type { ApiClient, SessionSummary } from '../../../../src-shared/contract'
import { useAppStore } from '../../store/app-store'
import type { BulkBarProps } from './BulkBar'
import { useSessionActions, type SessionActions, type SessionPatch, type UndoOffer } from './use-session-actions'

/** How long Undo stays offered; deleted sessions stay in the trash afterwards, restorable there. */
export const UNDO_MS = 10_000

/** The session actions, with an Undo notice after every delete. */
export function useUndoableActions(api: ApiClient, onUpdated: (session: SessionSummary) => void, onChanged: () => void, clearChecked: () => void): SessionActions {
  // Restoring goes through a ref: the offer can outlive this render (and the screen).
  const restoreRef = useRef<(ids: string[]) => Promise<boolean>>(async () => false)
  const actions = useSessionActions(api, {
    onUpdated,
    onChanged,
    onDeleted: useCallback((offer: UndoOffer) => {
      clearChecked()
      useAppStore.getState().notify({ level: 'info', message: offer.message, timeoutMs: UNDO_MS, action: { label: 'Undo', run: () => void restoreRef.current(offer.ids) } })
    }, [clearChecked]),
  })
  restoreRef.current = actions.restore
  return actions
}

/** The bulk bar's actions on the checked sessions, busy while one runs. */
export function useBulkActions(checked: ReadonlySet<string>, actions: SessionActions, clearChecked: () => void): Omit<BulkBarProps, 'count' | 'inTrash'> {
  const [busy, setBusy] = useState(false)
  const bulk = async (run: (ids: string[]) => Promise<unknown>): Promise<void> => {
    setBusy(true)
    await run([...checked])
    setBusy(false)
  }
  const bulkUpdate = (patch: SessionPatch): Promise<void> => bulk((ids) => actions.updateMany(ids, patch))
  return {
    busy,
    onPin: () => void bulkUpdate({ pinned: true }),
    onArchive: () => void bulkUpdate({ archived: true }),
    onTag: (tag) => void bulkUpdate({ addTags: [tag] }),
    onDelete: () => void bulk((ids) => actions.remove(ids)),
    onRestore: () => void bulk(async (ids) => (await actions.restore(ids)) && clearChecked()),
    onClear: clearChecked,
  }
}
