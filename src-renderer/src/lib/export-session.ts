import type { ApiClient, RouteInput } from '../../../src-shared/contract'
import { useAppStore } from '../store/app-store'
import { downloadText } from './download'
import { noteFeatureUse } from './feature-use'

export type ExportFormat = RouteInput<'sessions.export'>['format']

/** The formats a chat exports to, as the user reads them. */
export const EXPORT_FORMATS: readonly { format: ExportFormat; label: string; hint: string }[] = [
  { format: 'markdown', label: 'Markdown', hint: '.md, for notes and documents' },
  { format: 'html', label: 'HTML', hint: '.html, prints cleanly (or save as PDF)' },
  { format: 'json', label: 'JSON', hint: '.json, re-importable' },
]

/**
 * Exports one session as the core writes it (sessions.export) and saves the file: the browser's
 * download in the web companion, the save dialog in the desktop app (Electron asks where a
 * download goes). Used by the Sessions pane and the chat header alike. False when it failed (said).
 */
export async function exportSessionFile(api: ApiClient, id: string, format: ExportFormat): Promise<boolean> {
  noteFeatureUse(api, 'export')
  const result = await api.call('sessions.export', { id, format })
  if (!result.ok) {
    useAppStore.getState().notifyError(result.error)
    return false
  }
  downloadText(result.value.filename, result.value.mime, result.value.content)
  return true
}
