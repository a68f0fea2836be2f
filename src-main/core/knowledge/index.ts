// Knowledge bases: your own files, chunked, searchable by words (FTS5) and by meaning (vectors).
export * from './schema'
export * from './vector-index'
export * from './base'
