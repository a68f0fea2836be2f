import type { RouteOutput, SearchHit as ContractSearchHit, SessionMessage, SessionSummary } from '../../../src-shared/contract'
import type { BackupResult, BranchFind, BranchPage, DeletedMessage, ExportAllResult, ImportResult, Message, MessageRole, RestoreResult, SearchHit, Session, SessionPage } from './types'

/**
 * The store's types (types.ts) and the contract's session schemas describe the same values on
 * either side of the boundary. They are written twice (the contract may not import the core), so
 * the compiler holds them equal here: change one without the other and the build fails.
 */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Assert<T extends true> = T

export type SessionParity = Assert<Equal<Session, SessionSummary>>
export type MessageParity = Assert<Equal<Message, SessionMessage>>
export type MessageRoleParity = Assert<Equal<MessageRole, SessionMessage['role']>>
export type SearchHitParity = Assert<Equal<SearchHit, ContractSearchHit>>
export type SessionPageParity = Assert<Equal<SessionPage, RouteOutput<'sessions.list'>>>
export type ImportParity = Assert<Equal<ImportResult, RouteOutput<'sessions.import'>>>
export type RestoreParity = Assert<Equal<RestoreResult, RouteOutput<'sessions.restoreBackup'>>>
export type BackupParity = Assert<Equal<BackupResult, RouteOutput<'sessions.backup'>>>
export type ExportAllParity = Assert<Equal<ExportAllResult, RouteOutput<'sessions.exportAll'>>>
export type BranchPageParity = Assert<Equal<BranchPage, RouteOutput<'sessions.branch'>>>
export type DeletedMessageParity = Assert<Equal<DeletedMessage, RouteOutput<'sessions.deleteMessage'>>>
export type BranchFindParity = Assert<Equal<BranchFind, RouteOutput<'sessions.find'>>>
