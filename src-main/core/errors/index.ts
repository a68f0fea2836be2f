export * from './app-error'
export * from './zod-issues'
export * from './error-class'
export * from './disk-full'
