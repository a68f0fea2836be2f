export * from './secret-store'
export * from './secret-names'
