export * from './metrics'
export * from './history'
export * from './monitor'
