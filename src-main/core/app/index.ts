export * from './create-core'
export * from './capability'
export * from './version'
export type { ChatWiring } from './chat-wiring'
