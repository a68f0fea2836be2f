export * from './create-core'
export * from './handlers'
