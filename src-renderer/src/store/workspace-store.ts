import { create } from 'zustand'
import { createJSONStorage, persist } from 'zustand/middleware'

interface WorkspaceState {
  /** The folder tools and workspace hooks work in; empty: none granted. Shared by Agents and Chat. */
  path: string
  setPath(path: string): void
}

export const useWorkspace = create<WorkspaceState>()(
  persist((set) => ({ path: '', setPath: (path) => set({ path: path.trim() }) }), {
    name: 'ollama-desk.workspace',
    storage: createJSONStorage(() => localStorage),
    partialize: (state) => ({ path: state.path }),
  }),
)

/** The `workspace` field of a route input: present only when a folder is set. */
export const workspaceInput = (path: string): { workspace?: string } => (path ? { workspace: path } : {})

/** The last part of a path, for a chip ("/home/me/proj" → "proj"). */
export const folderName = (path: string): string => path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || path
