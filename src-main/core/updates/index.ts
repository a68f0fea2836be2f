export * from './errors'
export * from './port'
export * from './update-service'
