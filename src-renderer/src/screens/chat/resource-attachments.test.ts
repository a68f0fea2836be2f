import { describe, expect, it } from 'vitest'
import { attachmentOf, MAX_RESOURCE_CHARS, resourceBlock, withResources } from './resource-attachments'

const readme = { server: 'test', uri: 'test://readme', name: 'README' }

describe('Resource attachments', () => {
  it('a resource goes out as a fenced block with its uri and server after the text', () => {
    const attachment = attachmentOf(readme, '# Hello\nworld')
    expect(attachment.cut).toBe(0)
    expect(withResources('Summarise this', [attachment])).toBe('Summarise this\n\nResource test://readme (test):\n```\n# Hello\nworld\n```')
  })

  it('a message of resources only has no empty text in front', () => {
    expect(withResources('  ', [attachmentOf(readme, 'a'), attachmentOf({ ...readme, uri: 'test://b' }, 'b')])).toBe(
      'Resource test://readme (test):\n```\na\n```\n\nResource test://b (test):\n```\nb\n```',
    )
  })

  it('a resource over the cap is cut, and the block says how much was left out', () => {
    const attachment = attachmentOf(readme, 'x'.repeat(MAX_RESOURCE_CHARS + 1234))
    expect(attachment.cut).toBe(1234)
    expect(attachment.text).toHaveLength(MAX_RESOURCE_CHARS)
    expect(resourceBlock(attachment).endsWith('```\n(cut: 1,234 more characters left out)')).toBe(true)
  })

  it('backticks inside the resource get a longer fence so the block stays whole', () => {
    expect(resourceBlock(attachmentOf(readme, 'see:\n```js\nx\n```'))).toBe('Resource test://readme (test):\n````\nsee:\n```js\nx\n```\n````')
  })
})
