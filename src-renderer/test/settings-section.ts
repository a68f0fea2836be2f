import { screen, within } from '@testing-library/react'
import type { FakeApiOptions } from './fake-api'
import { renderAt } from './render'

type Prepare = NonNullable<Parameters<typeof renderAt>[2]>

/**
 * The app opened on Settings over a fake API, with `section` scoped to the card whose level-3
 * heading is `heading`. `prepare` runs on the fake before the app renders (e.g. to change what
 * the fake answers to the section's first load).
 */
export async function openSettingsSection(heading: string, options: FakeApiOptions = {}, prepare?: Prepare) {
  const rendered = await renderAt('#/settings', options, prepare)
  const section = (await screen.findByRole('heading', { name: heading, level: 3 })).closest('section')
  if (!section) throw new Error(`the "${heading}" heading is not inside a <section>`)
  return { ...rendered, section: within(section) }
}
