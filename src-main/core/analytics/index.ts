export * from './analytics'
export * from './catalogue'
export * from './sent-log'
export * from './transport'
