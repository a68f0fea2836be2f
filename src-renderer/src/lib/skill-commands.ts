import { create } from 'zustand'
import type { ApiClient } from '../../../src-shared/contract'
import type { PaletteCommand } from './commands'
import { useComposerDraft } from '../store/composer-draft'
import { useWorkspace, workspaceInput } from '../store/workspace-store'

/** Skill names the palette offers, refreshed each time it opens. */
export const useSkillNames = create<{ names: string[] }>(() => ({ names: [] }))

export async function loadSkillNames(api: ApiClient): Promise<void> {
  const result = await api.call('skills.list', workspaceInput(useWorkspace.getState().path))
  // Without skills (or a core that has none yet) the palette simply offers none.
  if (result.ok) useSkillNames.setState({ names: [...new Set(result.value.skills.map((skill) => skill.name))] })
}

/** "Run skill: review" opens the chat with `/review ` ready in the composer. */
export const skillCommands = (names: readonly string[]): PaletteCommand[] =>
  names.map((name) => ({
    id: `skill.${name}`,
    title: `Run skill: ${name}`,
    section: 'Skills',
    run: (ctx) => {
      useComposerDraft.getState().put(`/${name} `)
      ctx.navigate('chat')
    },
  }))
