export * from './bundle'
export * from './known-secrets'
export * from './redact-config'
