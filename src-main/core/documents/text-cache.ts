import type { ExtractedDocument } from './extract'

/**
 * Extracted texts by the SHA-256 of their file, newest kept, up to a total number of characters:
 * a chat resends its documents every turn and a PDF is read once, not every time.
 */
export class DocumentTextCache {
  private readonly entries = new Map<string, ExtractedDocument>()
  private chars = 0
  private readonly maxChars: number

  // No parameter property: the knowledge worker loads this file with plain Node type stripping.
  constructor(maxChars = 40_000_000) {
    this.maxChars = maxChars
  }

  get(sha256: string): ExtractedDocument | undefined {
    const found = this.entries.get(sha256)
    if (found) {
      this.entries.delete(sha256)
      this.entries.set(sha256, found)
    }
    return found
  }

  set(sha256: string, document: ExtractedDocument): void {
    const old = this.entries.get(sha256)
    if (old) {
      this.entries.delete(sha256)
      this.chars -= old.text.length
    }
    this.entries.set(sha256, document)
    this.chars += document.text.length
    for (const [key, entry] of this.entries) {
      if (this.chars <= this.maxChars || key === sha256) break
      this.entries.delete(key)
      this.chars -= entry.text.length
    }
  }

  /** The cached text, or the one `extract` reads (then cached). */
  async getOrExtract(sha256: string, extract: () => Promise<ExtractedDocument>): Promise<ExtractedDocument> {
    const hit = this.get(sha256)
    if (hit) return hit
    const document = await extract()
    this.set(sha256, document)
    return document
  }
}
