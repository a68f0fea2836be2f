export * from './logger'
export * from './redact'
export * from './rotating-file'
