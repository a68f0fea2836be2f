// Every keyboard shortcut in the app, for the shortcuts sheet (`?`). A feature that adds a key adds it here.
import { screens } from './screen-registry'

export interface Shortcut {
  /** Keys as shown: `Mod` is ⌘ on a Mac and Ctrl elsewhere. */
  keys: string[]
  does: string
}

export interface ShortcutGroup {
  title: string
  shortcuts: Shortcut[]
}

export function shortcutGroups(sendKey: 'enter' | 'mod-enter' = 'enter'): ShortcutGroup[] {
  return [
    {
      title: 'Anywhere',
      shortcuts: [
        { keys: ['Mod', 'K'], does: 'Command palette: screens, commands, settings and your chats' },
        { keys: ['Mod', 'N'], does: 'New chat' },
        ...screens.map((screen, index) => ({ keys: ['Mod', String(index + 1)], does: `Go to ${screen.label}` })),
        { keys: ['?'], does: 'This list of shortcuts (outside text boxes)' },
        { keys: ['Esc'], does: 'Close a dialog, menu or the palette' },
      ],
    },
    {
      title: 'Chat',
      shortcuts: [
        sendKey === 'enter' ? { keys: ['Enter'], does: 'Send (Shift+Enter for a new line)' } : { keys: ['Mod', 'Enter'], does: 'Send (Enter for a new line)' },
        { keys: ['↑'], does: 'Edit your last message (in an empty message box)' },
        { keys: ['/'], does: 'Slash commands and skills (at the start of a message)' },
        { keys: ['Esc'], does: 'Stop the reply being written' },
        { keys: ['Mod', 'F'], does: 'Find in this chat' },
        { keys: ['Enter'], does: 'Next match in Find (Shift+Enter: previous)' },
        { keys: ['Ctrl', 'Space'], does: 'Hold to dictate (push to talk)' },
      ],
    },
    {
      title: 'Sessions',
      shortcuts: [
        { keys: ['/'], does: 'Search your chats' },
        { keys: ['↑', '↓'], does: 'Move through the list (Page Up/Down by ten, Home/End)' },
        { keys: ['Enter'], does: 'Open the chat' },
        { keys: ['Space'], does: 'Select or unselect' },
        { keys: ['F2'], does: 'Rename' },
        { keys: ['Delete'], does: 'Move to the trash (⌘Backspace on a Mac)' },
        { keys: ['Esc'], does: 'Clear the selection' },
      ],
    },
    {
      title: 'Settings',
      shortcuts: [
        { keys: ['Mod', 'F'], does: 'Search settings' },
        { keys: ['Enter'], does: 'Go to the first match (in the search box)' },
        { keys: ['Esc'], does: 'Clear the search' },
      ],
    },
    {
      title: 'Tool approvals',
      shortcuts: [{ keys: ['Esc'], does: 'Deny the request' }],
    },
  ]
}
