/** Length-prefixed concatenation, so no two different field lists encode the same. */
export function transcript(parts: Array<string | Uint8Array>): Buffer {
  return Buffer.concat(
    parts.flatMap((part) => {
      const data = typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part)
      const length = Buffer.alloc(4)
      length.writeUInt32BE(data.length)
      return [length, data]
    }),
  )
}
