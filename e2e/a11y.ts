import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { eventually } from './harness.ts'

/**
 * The accessibility check of issue 21: axe-core in the page as it is, every rule axe ships on,
 * nothing excluded. A serious or critical violation fails; moderate and minor ones are returned
 * too, so a test can print them.
 */
export interface AxeFinding {
  rule: string
  impact: string
  target: string
  summary: string
}

/** Waits until no CSS animation or transition runs: axe reads colours as they are drawn at that moment. */
async function settled(page: Page): Promise<void> {
  await eventually(() => page.evaluate(() => document.getAnimations().every((animation) => animation.playState !== 'running' || animation.effect?.getComputedTiming().iterations === Infinity)), 'animations ended')
}

export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  await settled(page)
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations.flatMap((violation) =>
    violation.nodes.map((node) => ({
      rule: violation.id,
      impact: node.impact ?? violation.impact ?? 'unknown',
      target: node.target.join(' '),
      summary: (node.failureSummary ?? violation.help).replace(/\s+/g, ' ').trim(),
    })),
  )
}

const blocking = (finding: AxeFinding): boolean => finding.impact === 'serious' || finding.impact === 'critical'

/**
 * Checks the page in the light theme, then the dark one (through the system setting the app
 * follows), and throws listing every serious or critical finding of either. `what` names the state
 * in the message. The page is left in the light theme.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const failures: string[] = []
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await eventually(async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === scheme, `the ${scheme} theme applied`)
    for (const finding of (await axeFindings(page)).filter(blocking)) failures.push(`[${scheme}] ${finding.rule} (${finding.impact}) at ${finding.target}: ${finding.summary}`)
  }
  await page.emulateMedia({ colorScheme: 'light' })
  await eventually(async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === 'light', 'the light theme applied')
  if (failures.length > 0) throw new Error(`${what}: ${failures.length} serious or critical accessibility violations\n${failures.join('\n')}`)
}
