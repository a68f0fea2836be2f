export * from './errors'
export * from './model-service'
export * from './progress'
export * from './recommend'
