export * from './data-dir'
