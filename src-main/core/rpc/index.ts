export * from './connection'
export * from './dispatcher'
export * from './handlers'
export * from './local-client'
