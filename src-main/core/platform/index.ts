export { pathFlavour, type PathFlavour } from './flavour'
export { commandInterpreter, killTree, processPlatform, shellInvocation, stopTree, type Invocation, type Kill, type KillOutcome, type PlatformTimers, type ProcessPlatform, type Spawn } from './processes'
export { windowsProgram } from './windows-command'
