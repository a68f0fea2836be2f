// Reading documents as text: chat attachments today, knowledge bases next, with the same code.
export * from './errors'
export * from './kinds'
export * from './extract'
export * from './text-cache'
export * from './uploads'
export { pdfPages, docxText } from './binary-formats'
export { decodeText, htmlText } from './text'
