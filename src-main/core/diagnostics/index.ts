export * from './bundle'
export * from './secret-scanner'
export * from './redact-config'
