export * from './data-dir'
export * from './static-files'
export * from './csp'
export * from './private-files'
