export * from './cpu-profile'
export * from './marks'
