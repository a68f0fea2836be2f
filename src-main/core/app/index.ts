export * from './create-core'
export * from './handlers'
export * from './version'
