import type { HookEvent } from '../../../src-shared/contract'

/**
 * The event-specific fields each hook gets on stdin, beside the common `session_id`,
 * `transcript_path`, `cwd` and `hook_event_name` (see README.md). Field names are Claude Code's,
 * so existing scripts read them unchanged. These samples feed the "test-run" button and
 * `ollama-desk hooks test`.
 */
const SAMPLES: { readonly [E in HookEvent]: Record<string, unknown> } = {
  Setup: { trigger: 'init' },
  SessionStart: { source: 'startup' },
  SessionEnd: { reason: 'other' },
  UserPromptSubmit: { prompt: 'Summarise the changes on this branch.' },
  PreToolUse: { tool_name: 'Bash', tool_input: { command: 'git status' } },
  PostToolUse: {
    tool_name: 'Bash',
    tool_input: { command: 'git status' },
    tool_response: { stdout: 'On branch main\nnothing to commit, working tree clean\n', stderr: '', exitCode: 0 },
  },
  PostToolUseFailure: { tool_name: 'Bash', tool_input: { command: 'npm test' }, error: 'Command exited with code 1' },
  PermissionRequest: { tool_name: 'Write', tool_input: { file_path: 'notes.md', content: '# Notes\n' } },
  SkillTrigger: { skill_name: 'release-notes', args: 'v1.2.0' },
  PreCompact: { trigger: 'manual', custom_instructions: '' },
  Stop: { stop_hook_active: false },
  SubagentStart: { agent_id: 'agent-1', agent_type: 'general-purpose' },
  SubagentStop: { agent_id: 'agent-1', agent_type: 'general-purpose', stop_hook_active: false },
  Notification: { message: 'Ollama Desk needs your permission to use Bash', notification_type: 'permission_prompt' },
}

/** A fresh copy of the sample fields of one event. */
export function samplePayload(event: HookEvent): Record<string, unknown> {
  return structuredClone(SAMPLES[event])
}

/** Which field a matcher is tested against, per event; events without one ignore matchers. */
const SUBJECT_FIELD: { readonly [E in HookEvent]: string | null } = {
  Setup: 'trigger',
  SessionStart: 'source',
  SessionEnd: 'reason',
  UserPromptSubmit: null,
  PreToolUse: 'tool_name',
  PostToolUse: 'tool_name',
  PostToolUseFailure: 'tool_name',
  PermissionRequest: 'tool_name',
  SkillTrigger: 'skill_name',
  PreCompact: 'trigger',
  Stop: null,
  SubagentStart: 'agent_type',
  SubagentStop: 'agent_type',
  Notification: 'notification_type',
}

/** The string matchers are tested against for these fields, or undefined when the event has none. */
export function matchSubjectOf(event: HookEvent, fields: Record<string, unknown>): string | undefined {
  const field = SUBJECT_FIELD[event]
  const value = field === null ? undefined : fields[field]
  return typeof value === 'string' ? value : undefined
}
