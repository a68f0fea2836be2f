export * from './secret-store'
