import type { Command, CommandSpec } from './command'
import { globalOptions } from './command'
import { commandSpecs } from './specs'

type Shell = 'bash' | 'zsh' | 'fish'

/** Completion scripts generated from the command table, so new subcommands complete for free. */
export function completionScript(shell: Shell, commands: readonly CommandSpec[]): string {
  const names = commands.map((command) => command.name)
  const flags = (command: CommandSpec): string[] => [...command.options, ...globalOptions].map((option) => `--${option.name}`)
  if (shell === 'bash') {
    const cases = commands.map((command) => `    ${command.name}) opts="${flags(command).join(' ')}" ;;`).join('\n')
    return `# bash completion for ollama-desk
_ollama_desk() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd=\${COMP_WORDS[1]} opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${names.join(' ')} --help --version" -- "$cur") ); return
  fi
  case "$cmd" in
${cases}
    *) opts="" ;;
  esac
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -F _ollama_desk ollama-desk
`
  }
  if (shell === 'zsh') {
    const described = commands.map((command) => `    '${command.name}:${command.summary.replace(/'/g, '')}'`).join('\n')
    const cases = commands.map((command) => `    ${command.name}) _values 'option' ${flags(command).map((flag) => `'${flag}'`).join(' ')} ;;`).join('\n')
    return `#compdef ollama-desk
_ollama_desk() {
  local -a commands
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then _describe 'command' commands; return; fi
  case $words[2] in
${cases}
  esac
}
compdef _ollama_desk ollama-desk
`
  }
  const lines = commands.flatMap((command) => [
    `complete -c ollama-desk -n '__fish_use_subcommand' -a ${command.name} -d '${command.summary.replace(/'/g, '')}'`,
    ...[...command.options, ...globalOptions].map(
      (option) => `complete -c ollama-desk -n '__fish_seen_subcommand_from ${command.name}' -l ${option.name} -d '${option.summary.replace(/'/g, '')}'`,
    ),
  ])
  return `# fish completion for ollama-desk\n${lines.join('\n')}\n`
}

export const completionCommand = (commands: () => readonly CommandSpec[]): Command => ({
  ...commandSpecs.completion,
  positionals: ['bash', 'zsh', 'fish'],
  async run({ positionals }, io) {
    const shell = positionals[0]
    if (shell !== 'bash' && shell !== 'zsh' && shell !== 'fish') {
      io.err(`error: say which shell: \`ollama-desk completion bash|zsh|fish\`${shell ? ` ("${shell}" is not one)` : ''}\n`)
      return 2
    }
    io.out(completionScript(shell, commands()))
    return 0
  },
})
