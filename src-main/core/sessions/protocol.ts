import type { ErrorShape } from '../../../src-shared/contract'
import type { SessionEngine, StoreInfo } from './engine'

/** Engine methods callable across the worker boundary: an allowlist, nothing else is reachable. */
export const ENGINE_METHODS = [
  'createSession', 'getSession', 'listSessions', 'renameSession', 'setPinned', 'setArchived', 'setWorkspace', 'tagSession', 'untagSession',
  'listTags', 'softDeleteSession', 'restoreSession', 'purgeSession', 'purgeDeleted',
  'appendMessage', 'getMessage', 'getMessages', 'getThread', 'getBranch', 'findInBranch', 'setActiveBranch', 'deleteMessage', 'resumeStreamingMessage', 'beginTurn', 'startStreamingMessage', 'appendStreamingText', 'completeStreamingMessage',
  'failStreamingMessage', 'recoverInterruptedMessages', 'readAttachment', 'contextWindowUsage', 'sessionSpend',
  'planCompaction', 'recordCompaction', 'contextMessages', 'listCompactions',
  'readChatSettings', 'writeChatSettings', 'setAutoTitle', 'titleSource', 'readDraft', 'writeDraft',
  'search', 'importFiles', 'importTexts', 'findImportableFiles', 'exportSession', 'exportAll', 'backup', 'maybeDailyBackup', 'restore', 'info', 'readOnly',
] as const satisfies readonly (keyof SessionEngine)[]

export type EngineMethod = (typeof ENGINE_METHODS)[number]
export type EngineApi = Pick<SessionEngine, EngineMethod>

/** Client → engine. `close` closes the database and ends the host. */
export interface StoreRequest {
  id: number
  method: EngineMethod | 'close'
  args: unknown[]
}

/** Engine → client. `detail` carries an internal error's own message for the log, never for the user. */
export type HostMessage =
  | { type: 'ready'; info: StoreInfo }
  | { type: 'failed'; error: ErrorShape; detail?: string }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorShape; detail?: string }

/** What the engine options look like on the wire (functions such as `now` cannot cross). */
export interface WorkerOptions {
  dataDir: string
  backupRetention?: number
}
