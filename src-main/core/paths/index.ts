export * from './data-dir'
export * from './static-files'
