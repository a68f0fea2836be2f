export * from './checks'
export * from './electron-binary'
