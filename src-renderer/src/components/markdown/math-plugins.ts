// KaTeX and its stylesheet (fonts bundled with the app, never a CDN), in their own chunk: loaded
// the first time a reply holds math, so plain chats do not pay for it.
import 'katex/dist/katex.min.css'
import rehypeKatex, { type Options } from 'rehype-katex'
import remarkMath from 'remark-math'
import type { Options as MarkdownOptions } from 'react-markdown'

/**
 * `trust: false`: no \href, \url, \includegraphics or \htmlClass-style commands that could link or
 * load anything; a formula KaTeX cannot parse shows as its source with the error (rehype-katex's own fallback).
 * `maxExpand`/`maxSize` keep a hostile formula from hanging or flooding the page.
 */
export const katexOptions: Options = { trust: false, strict: 'ignore', maxExpand: 500, maxSize: 50, output: 'htmlAndMathml' }

export const remarkMathPlugins: NonNullable<MarkdownOptions['remarkPlugins']> = [remarkMath]
export const rehypeMathPlugins: NonNullable<MarkdownOptions['rehypePlugins']> = [[rehypeKatex, katexOptions]]
