import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDirs } from '../../../test/support/tmp'
import { extractTar } from './tar'
import { buildTar, type TarEntry } from './testdata/release-server'
import { nodeFs } from './types'

afterAll(() => removeTempDirs())

async function* chunks(data: Buffer, size = 7) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size)
}
const extract = (entries: TarEntry[], dir = makeTempDir()) => extractTar(chunks(buildTar(entries)), dir, nodeFs).then((result) => ({ result, dir }))

describe('tar reader', () => {
  it('unpacks files, folders, GNU long names and in-tree symlinks from a chunked stream', async () => {
    const long = `deep/${'x'.repeat(150)}.txt`
    const { result, dir } = await extract([{ name: 'deep/', type: 'dir' }, { name: long, data: 'long' }, { name: 'run.sh', data: '#!/bin/sh', mode: 0o755 }, { name: 'deep/link', type: 'symlink', linkName: '../run.sh' }])
    expect(result).toEqual({ files: 2, directories: 1, symlinks: 1 })
    expect(fs.readFileSync(path.join(dir, long), 'utf8')).toBe('long')
    expect(fs.statSync(path.join(dir, 'run.sh')).mode & 0o777).toBe(0o755)
    expect(fs.readFileSync(path.join(dir, 'deep/link'), 'utf8')).toBe('#!/bin/sh')
  })

  it.each([
    [{ name: '../escape.txt', data: 'x' }],
    [{ name: '/etc/passwd', data: 'x' }],
    [{ name: 'evil', type: 'symlink', linkName: '../../outside' } as TarEntry],
    [{ name: 'evil', type: 'symlink', linkName: '/etc' } as TarEntry],
  ])('refuses entries that escape the target: %o', async (entry) => {
    const parent = makeTempDir()
    await expect(extract([entry], path.join(parent, 'target'))).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining('outside the install folder') })
    expect(fs.readdirSync(parent)).toEqual(['target'])
    expect(fs.readdirSync(path.join(parent, 'target'))).toEqual([])
  })

  it('rejects damaged and truncated archives', async () => {
    const tar = buildTar([{ name: 'a.txt', data: 'hello' }])
    const bad = Buffer.from(tar)
    bad[0] = 0x41
    await expect(extractTar(chunks(bad), makeTempDir(), nodeFs)).rejects.toMatchObject({ message: expect.stringContaining('checksum') })
    await expect(extractTar(chunks(tar.subarray(0, 600)), makeTempDir(), nodeFs)).rejects.toMatchObject({ code: 'E_IO' })
  })
})
