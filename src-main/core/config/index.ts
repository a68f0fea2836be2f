export * from './migrate'
export * from './settings-service'
export * from './store'
