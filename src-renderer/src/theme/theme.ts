import type { Settings } from '../../../src-shared/contract'

export type ResolvedTheme = 'light' | 'dark'

export function resolveTheme(theme: Settings['appearance']['theme'], prefersDark: boolean): ResolvedTheme {
  if (theme === 'system') return prefersDark ? 'dark' : 'light'
  return theme
}

type Rgb = [number, number, number]

const channels = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb
const toHex = (rgb: Rgb): string => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`
const mix = (a: Rgb, b: Rgb, share: number): Rgb => a.map((c, i) => c + (b[i]! - c) * share) as Rgb

/** WCAG relative luminance of an sRGB colour. */
function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((channel) => {
    const c = channel / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as Rgb
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** The WCAG contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(channels(a)), luminance(channels(b))].sort((x, y) => y - x) as [number, number]
  return (light + 0.05) / (dark + 0.05)
}

/** Picks black or white text for the accent colour, by WCAG relative luminance. */
export function onAccent(hex: string): '#000000' | '#ffffff' {
  return luminance(channels(hex)) > 0.179 ? '#000000' : '#ffffff'
}

/**
 * The surfaces accent-coloured text sits on in each theme (panel, page, sidebar, code header, an
 * active row tinted with the accent): the values of styles.css, kept here to compute contrast.
 */
const surfaces: Record<ResolvedTheme, { plain: string[]; tintedOver: string }> = {
  light: { plain: ['#ffffff', '#f6f7f9', '#eef0f4', '#f1f2f3', '#edf2ff'], tintedOver: '#eef0f4' },
  dark: { plain: ['#1d2027', '#15171c', '#111318', '#2b2d34', '#22293d'], tintedOver: '#111318' },
}

/**
 * The accent as a text colour: the accent itself where it reads at 4.5:1 on every surface of the
 * theme, else the accent darkened (light theme) or lightened (dark theme) just enough. A user's
 * pale or dark accent stays recognisable and links stay readable.
 */
export function accentText(accent: string, theme: ResolvedTheme): string {
  const base = channels(accent)
  const { plain, tintedOver } = surfaces[theme]
  const backgrounds = [...plain, toHex(mix(channels(tintedOver), base, 0.16))]
  const toward: Rgb = theme === 'light' ? [0, 0, 0] : [255, 255, 255]
  for (let step = 0; step <= 20; step++) {
    const candidate = toHex(mix(base, toward, step / 20))
    if (backgrounds.every((background) => contrast(candidate, background) >= 4.6)) return candidate
  }
  return toHex(toward)
}

export function applyTheme(root: HTMLElement, appearance: Settings['appearance'], prefersDark: boolean): ResolvedTheme {
  const resolved = resolveTheme(appearance.theme, prefersDark)
  root.dataset.theme = resolved
  root.style.setProperty('--accent', appearance.accent)
  root.style.setProperty('--on-accent', onAccent(appearance.accent))
  root.style.setProperty('--accent-text', accentText(appearance.accent, resolved))
  root.style.colorScheme = resolved
  return resolved
}

/** How chats look (Settings → Chat → Messages): text size, density and code colours, read by CSS from the root. */
export function applyDisplay(root: HTMLElement, display: Settings['display']): void {
  root.style.setProperty('--chat-font-size', `${display.fontSize}px`)
  root.dataset.density = display.density
  root.dataset.codeTheme = display.codeTheme
}
