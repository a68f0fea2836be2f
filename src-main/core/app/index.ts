export * from './create-core'
export * from './capability'
export * from './version'
