import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..', '..')

/** The Markdown files whose relative links must lead somewhere. */
function documentedFiles(): string[] {
  const docs = fs.readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => path.join('docs', name))
  return ['README.md', 'CHANGELOG.md', 'CONTRIBUTING.md', path.join('.changeset', 'README.md'), ...docs]
}

/** Link targets that point into the repository: not URLs, not same-page anchors, not inside code. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/`[^`\n]*`/g, '')
  const targets = [
    ...[...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
    ...[...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((m) => m[1]!),
  ]
  return targets.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
}

/** Relative links of `file` whose target (without `#fragment` or `?query`) does not exist. */
function brokenLinks(file: string): string[] {
  const dir = path.dirname(file)
  return relativeLinks(fs.readFileSync(file, 'utf8')).filter((target) => {
    const withoutFragment = decodeURI(target.replace(/[#?].*$/, ''))
    return !fs.existsSync(path.resolve(dir, withoutFragment))
  })
}

describe('relativeLinks', () => {
  it('finds inline, image and reference links and skips URLs, anchors and code', () => {
    const markdown = [
      'See [the guide](docs/guide.md#install) and ![shot](e2e/a.png "title").',
      '[site](https://example.com) [mail](mailto:a@b.c) [top](#top) `[not](a-link.md)`',
      '```md',
      '[inside](fenced.md)',
      '```',
      '[ref]: ../CONTRIBUTING.md',
    ].join('\n')
    expect(relativeLinks(markdown)).toEqual(['docs/guide.md#install', 'e2e/a.png', '../CONTRIBUTING.md'])
  })
})

describe('brokenLinks', () => {
  let dir: string | undefined
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
    dir = undefined
  })

  it('reports a link to a missing file and accepts one to an existing file or folder', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-links-'))
    fs.mkdirSync(path.join(dir, 'sub'))
    fs.writeFileSync(path.join(dir, 'there.md'), '# There\n')
    const page = path.join(dir, 'sub', 'page.md')
    fs.writeFileSync(page, '[ok](../there.md#there) [folder](.) [gone](../missing.md) [space](../with%20space.md)\n')
    expect(brokenLinks(page)).toEqual(['../missing.md', '../with%20space.md'])
  })
})

describe('the documentation', () => {
  it('includes the guides', () => {
    expect(documentedFiles()).toEqual(expect.arrayContaining([path.join('docs', 'architecture.md'), path.join('docs', 'user-guide.md'), path.join('docs', 'faq.md')]))
  })

  it.each(documentedFiles())('%s has no relative link to a missing file', (file) => {
    expect(brokenLinks(path.join(root, file))).toEqual([])
  })
})
