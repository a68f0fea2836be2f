#!/usr/bin/env node
// Draws the Ollama Desk logo (a llama peeking over a desk, white on a blue-to-violet rounded square)
// and writes every raster the packagers need, with no dependencies:
//
//   resources/icon.png        1024×1024  app icon (macOS converts it to .icns, the window icon on Linux)
//   resources/icon.ico        16…256     Windows app + NSIS installer icon (BMP entries, PNG for 256)
//   build/icons/NxN.png       16…512     Linux icon set (electron-builder reads sizes from the names)
//
// resources/icon.svg (and its copy src-renderer/public/icon.svg, the favicon) is the same drawing as
// a vector; the geometry below and the SVG are kept in step by hand, so change both together.
//
// Each pixel is supersampled on a regular grid and box-filtered, so edges are anti-aliased at every
// size; small sizes are drawn directly (not downscaled) with a slightly fuller frame.
//
// Usage: node scripts/make-icons.js [--check]   (--check: exit 1 if a committed file is out of date)
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// ─── Geometry (canvas units: 0..1 across the whole image) ─────────────────────────────────────────
//
// Shapes are data, so the rasteriser and the SVG writer read the same description.
//   ellipse: centre (cx, cy), radii (rx, ry), rotated `deg` degrees clockwise on screen
//   rect:    (x0, y0)–(x1, y1) with corner radius r
// `min` is the smallest icon size that draws a part (legs, wool and nostrils are mush when tiny);
// `grow` enlarges a part on small icons so eyes stay dark pixels instead of grey smudges.

const ACCENT = '#4f7cff'
const VIOLET = '#8b5cf6'
const WHITE = '#ffffff'
const INK = '#1b1f3b' // eyes and nostrils
const EAR = '#c7d2fe' // inner ear
const SHADOW = { colour: '#14103c', opacity: 0.28, dx: 0.004, dy: 0.014 }

const ellipse = (cx, cy, rx, ry, deg = 0, extra = {}) => ({ kind: 'ellipse', cx, cy, rx, ry, deg, min: 0, ...extra })
const rect = (x0, y0, x1, y1, r, extra = {}) => ({ kind: 'rect', x0, y0, x1, y1, r, min: 0, ...extra })

/** The white glyph: ears, fluffy tuft, face, muzzle, woolly neck, and the desk it peeks over. */
export const GLYPH = [
  ellipse(0.395, 0.25, 0.042, 0.1, -22),
  ellipse(0.605, 0.25, 0.042, 0.1, 22),
  ellipse(0.5, 0.39, 0.13, 0.125),
  ellipse(0.5, 0.49, 0.1, 0.105),
  ellipse(0.445, 0.29, 0.05, 0.048),
  ellipse(0.5, 0.265, 0.055, 0.05),
  ellipse(0.555, 0.29, 0.05, 0.048),
  rect(0.41, 0.5, 0.59, 0.72, 0.03),
  ...[0.575, 0.625, 0.675].flatMap((y) => [ellipse(0.41, y, 0.03, 0.03, 0, { min: 48 }), ellipse(0.59, y, 0.03, 0.03, 0, { min: 48 })]),
  rect(0.15, 0.69, 0.85, 0.76, 0.035),
  rect(0.22, 0.73, 0.28, 0.84, 0.03, { min: 24 }),
  rect(0.72, 0.73, 0.78, 0.84, 0.03, { min: 24 }),
]

/** Details painted over the glyph, in order. */
export const DETAILS = [
  ellipse(0.398, 0.255, 0.018, 0.062, -22, { min: 64, colour: EAR }),
  ellipse(0.602, 0.255, 0.018, 0.062, 22, { min: 64, colour: EAR }),
  ellipse(0.445, 0.4, 0.024, 0.028, 0, { min: 24, colour: INK, grow: true }),
  ellipse(0.555, 0.4, 0.024, 0.028, 0, { min: 24, colour: INK, grow: true }),
  ellipse(0.478, 0.525, 0.013, 0.009, 25, { min: 48, colour: INK }),
  ellipse(0.522, 0.525, 0.013, 0.009, -25, { min: 48, colour: INK }),
]

/** Frame of the rounded square (margin m, corner radius r as a fraction of the square) and glyph zoom. */
export const frame = (size) =>
  size <= 32 ? { m: 0.02, r: 0.2, zoom: 1.12 } : size <= 64 ? { m: 0.04, r: 0.21, zoom: 1.06 } : { m: 0.06, r: 0.2, zoom: 1 }

const growth = (size) => (size <= 32 ? 1.45 : size <= 64 ? 1.2 : 1)

function inside(shape, x, y, size) {
  if (shape.kind === 'rect') {
    const { x0, y0, x1, y1, r } = shape
    if (x < x0 || x > x1 || y < y0 || y > y1) return false
    const dx = x - Math.min(Math.max(x, x0 + r), x1 - r)
    const dy = y - Math.min(Math.max(y, y0 + r), y1 - r)
    return dx * dx + dy * dy <= r * r
  }
  const k = shape.grow ? growth(size) : 1
  const a = (-shape.deg * Math.PI) / 180
  const dx = x - shape.cx
  const dy = y - shape.cy
  const u = (dx * Math.cos(a) - dy * Math.sin(a)) / (shape.rx * k)
  const v = (dx * Math.sin(a) + dy * Math.cos(a)) / (shape.ry * k)
  return u * u + v * v <= 1
}

const inGlyph = (x, y, size) => GLYPH.some((part) => size >= part.min && inside(part, x, y, size))

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
const mix = (a, b, t) => [0, 1, 2].map((i) => a[i] + (b[i] - a[i]) * t)

/** Colour (RGBA, 0..255 floats) of one sample point. */
function sample(x, y, size) {
  const { m, r, zoom } = frame(size)
  const square = { kind: 'rect', x0: m, y0: m, x1: 1 - m, y1: 1 - m, r: r * (1 - 2 * m) }
  if (!inside(square, x, y, size)) return [0, 0, 0, 0]
  // Diagonal gradient, top-left accent to bottom-right violet.
  const t = Math.min(1, Math.max(0, (x - m + (y - m)) / (2 * (1 - 2 * m))))
  let c = mix(rgb(ACCENT), rgb(VIOLET), t)
  const gx = 0.5 + (x - 0.5) / zoom
  const gy = 0.5 + (y - 0.5) / zoom
  if (inGlyph(gx, gy, size)) {
    c = rgb(WHITE)
    for (const d of DETAILS) if (size >= d.min && inside(d, gx, gy, size)) c = rgb(d.colour)
  } else if (size > 32 && inGlyph(gx - SHADOW.dx, gy - SHADOW.dy, size)) {
    // Drop shadow: a shifted copy of the glyph, darkening the background where it shows.
    c = mix(c, rgb(SHADOW.colour), SHADOW.opacity)
  }
  return [c[0], c[1], c[2], 255]
}

/** Renders the logo at `size`×`size` into an RGBA buffer, `ss`×`ss` samples per pixel. */
export function render(size, ss = size <= 64 ? 8 : size <= 256 ? 6 : 4) {
  const out = Buffer.alloc(size * size * 4)
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0
      let g = 0
      let b = 0
      let a = 0
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = sample((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size, size)
          const alpha = c[3] / 255
          r += c[0] * alpha
          g += c[1] * alpha
          b += c[2] * alpha
          a += alpha
        }
      }
      const i = (py * size + px) * 4
      const n = ss * ss
      // Un-premultiply the averaged colour so edge pixels keep their hue.
      out[i] = a ? Math.round(r / a) : 0
      out[i + 1] = a ? Math.round(g / a) : 0
      out[i + 2] = a ? Math.round(b / a) : 0
      out[i + 3] = Math.round((a / n) * 255)
    }
  }
  return out
}

// ─── PNG encoder (RGBA 8-bit, adaptive filters, zlib) ─────────────────────────────────────────────

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

export function crc32(buf) {
  let c = 0xffffffff
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

const paeth = (a, b, c) => {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

export function encodePng(rgba, width, height) {
  const stride = width * 4
  const raw = Buffer.alloc((stride + 1) * height)
  const candidate = Buffer.alloc(stride)
  for (let y = 0; y < height; y++) {
    const row = rgba.subarray(y * stride, (y + 1) * stride)
    const prev = y > 0 ? rgba.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride)
    // Pick the filter with the smallest sum of absolute residuals (the libpng heuristic).
    let best = 0
    let bestScore = Infinity
    let bestRow = row
    for (let f = 0; f <= 4; f++) {
      let score = 0
      for (let i = 0; i < stride; i++) {
        const left = i >= 4 ? row[i - 4] : 0
        const up = prev[i]
        const upLeft = i >= 4 ? prev[i - 4] : 0
        const predictor = f === 0 ? 0 : f === 1 ? left : f === 2 ? up : f === 3 ? (left + up) >> 1 : paeth(left, up, upLeft)
        const v = (row[i] - predictor) & 0xff
        candidate[i] = v
        score += v < 128 ? v : 256 - v
      }
      if (score < bestScore) {
        bestScore = score
        best = f
        bestRow = Buffer.from(candidate)
      }
    }
    raw[y * (stride + 1)] = best
    bestRow.copy(raw, y * (stride + 1) + 1)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // colour type: RGBA
  ihdr[10] = 0 // compression
  ihdr[11] = 0 // filter method
  ihdr[12] = 0 // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// ─── ICO encoder ──────────────────────────────────────────────────────────────────────────────────

/** 32-bit BMP (DIB) image data for an ICO entry: bottom-up BGRA plus the 1-bit AND mask. */
function icoBitmap(rgba, size) {
  const header = Buffer.alloc(40)
  header.writeUInt32LE(40, 0) // BITMAPINFOHEADER size
  header.writeInt32LE(size, 4)
  header.writeInt32LE(size * 2, 8) // XOR image + AND mask
  header.writeUInt16LE(1, 12) // planes
  header.writeUInt16LE(32, 14) // bits per pixel
  const pixels = Buffer.alloc(size * size * 4)
  const maskStride = Math.ceil(size / 32) * 4
  const mask = Buffer.alloc(maskStride * size)
  for (let y = 0; y < size; y++) {
    const dst = size - 1 - y
    for (let x = 0; x < size; x++) {
      const s = (y * size + x) * 4
      const d = (dst * size + x) * 4
      pixels[d] = rgba[s + 2]
      pixels[d + 1] = rgba[s + 1]
      pixels[d + 2] = rgba[s]
      pixels[d + 3] = rgba[s + 3]
      if (rgba[s + 3] === 0) mask[dst * maskStride + (x >> 3)] |= 0x80 >> (x & 7)
    }
  }
  header.writeUInt32LE(pixels.length + mask.length, 20)
  return Buffer.concat([header, pixels, mask])
}

/**
 * Multi-size ICO. Sizes below 256 are stored as classic bitmaps, which every consumer reads (NSIS,
 * rcedit, old shells); the 256 entry is PNG-compressed, as Windows Vista and later expect.
 */
export function encodeIco(images) {
  const dir = Buffer.alloc(6 + images.length * 16)
  dir.writeUInt16LE(0, 0)
  dir.writeUInt16LE(1, 2) // type: icon
  dir.writeUInt16LE(images.length, 4)
  const blobs = []
  let offset = dir.length
  images.forEach(({ size, rgba }, i) => {
    const data = size >= 256 ? encodePng(rgba, size, size) : icoBitmap(rgba, size)
    const e = 6 + i * 16
    dir[e] = size >= 256 ? 0 : size
    dir[e + 1] = size >= 256 ? 0 : size
    dir[e + 2] = 0 // palette colours
    dir[e + 3] = 0
    dir.writeUInt16LE(1, e + 4) // planes
    dir.writeUInt16LE(32, e + 6) // bits per pixel
    dir.writeUInt32LE(data.length, e + 8)
    dir.writeUInt32LE(offset, e + 12)
    offset += data.length
    blobs.push(data)
  })
  return Buffer.concat([dir, ...blobs])
}

// ─── SVG (the same drawing as a vector, at the large-icon frame) ──────────────────────────────────

export function renderSvg() {
  const S = 1024
  const n = (v) => String(Math.round(v * S * 10) / 10)
  const { m, r } = frame(S)
  const shape = (s, attrs = '') =>
    s.kind === 'rect'
      ? `<rect x="${n(s.x0)}" y="${n(s.y0)}" width="${n(s.x1 - s.x0)}" height="${n(s.y1 - s.y0)}" rx="${n(s.r)}"${attrs}/>`
      : `<ellipse cx="${n(s.cx)}" cy="${n(s.cy)}" rx="${n(s.rx)}" ry="${n(s.ry)}"${s.deg ? ` transform="rotate(${s.deg} ${n(s.cx)} ${n(s.cy)})"` : ''}${attrs}/>`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${S}" height="${S}" viewBox="0 0 ${S} ${S}">`,
    '  <title>Ollama Desk</title>',
    '  <!-- Generated by scripts/make-icons.js: edit the geometry there, not here. -->',
    '  <defs>',
    `    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${ACCENT}"/><stop offset="1" stop-color="${VIOLET}"/></linearGradient>`,
    '    <g id="llama">',
    ...GLYPH.map((s) => `      ${shape(s)}`),
    '    </g>',
    '  </defs>',
    `  <rect x="${n(m)}" y="${n(m)}" width="${n(1 - 2 * m)}" height="${n(1 - 2 * m)}" rx="${n(r * (1 - 2 * m))}" fill="url(#bg)"/>`,
    `  <use href="#llama" xlink:href="#llama" fill="${SHADOW.colour}" opacity="${SHADOW.opacity}" transform="translate(${n(SHADOW.dx)} ${n(SHADOW.dy)})"/>`,
    `  <use href="#llama" xlink:href="#llama" fill="${WHITE}"/>`,
    ...DETAILS.map((s) => `  ${shape(s, ` fill="${s.colour}"`)}`),
    '</svg>',
    '',
  ].join('\n')
}

// ─── Main ─────────────────────────────────────────────────────────────────────────────────────────

export const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512]
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]

function main() {
  const check = process.argv.includes('--check')
  const cache = new Map()
  const image = (size) => {
    if (!cache.has(size)) cache.set(size, render(size))
    return cache.get(size)
  }
  const outputs = new Map()
  outputs.set('resources/icon.png', encodePng(image(1024), 1024, 1024))
  for (const size of LINUX_SIZES) outputs.set(`build/icons/${size}x${size}.png`, encodePng(image(size), size, size))
  outputs.set('resources/icon.ico', encodeIco(ICO_SIZES.map((size) => ({ size, rgba: image(size) }))))
  const svg = Buffer.from(renderSvg())
  outputs.set('resources/icon.svg', svg)
  outputs.set('src-renderer/public/icon.svg', svg)

  let stale = 0
  for (const [file, data] of outputs) {
    const path = join(root, file)
    const same = existsSync(path) && readFileSync(path).equals(data)
    if (check) {
      if (!same) {
        stale++
        console.error(`out of date: ${file}`)
      }
      continue
    }
    mkdirSync(dirname(path), { recursive: true })
    if (!same) writeFileSync(path, data)
    console.log(`${same ? 'unchanged' : 'wrote    '} ${relative(root, path)} (${data.length} bytes)`)
  }
  if (check) {
    console.log(stale ? `${stale} icon file(s) out of date: run node scripts/make-icons.js` : `icons up to date (${outputs.size} files)`)
    process.exitCode = stale ? 1 : 0
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main()
