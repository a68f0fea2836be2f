export * from './host'
export * from './probe'
