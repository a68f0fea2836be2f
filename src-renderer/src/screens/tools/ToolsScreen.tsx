import { ScreenHeader } from '../../components/ScreenHeader'
import '../../tools.css'
import { useWorkspace } from '../../store/workspace-store'
import { BuiltinToolsTable } from './BuiltinToolsTable'
import { McpSection } from './mcp/McpSection'
import { PermissionsEditor } from './PermissionsEditor'
import { usePermissions } from './use-permissions'

const EXAMPLES = ['Bash(git status:*)', 'Read(src/**)', 'WebFetch(domain:example.com)']

function PermissionsPart({ workspace }: { workspace: string }) {
  const { user, workspace: workspaceRules, loading, problem, save } = usePermissions(workspace)
  return (
    <>
      <div className="permissions-explain">
        <p>Tools run only in a chat that has a workspace folder. Every call no rule allows is asked first, and a deny rule wins over any allow rule.</p>
        <p className="hint">
          Rules name a tool, optionally with a pattern:{' '}
          {EXAMPLES.map((example, i) => (
            <span key={example}>
              {i > 0 && ', '}
              <code>{example}</code>
            </span>
          ))}
          . Workspace rules add to yours.
        </p>
      </div>
      {problem && <p className="field-error" role="alert">Can’t load the permission rules: {problem.message}</p>}
      {!user ? (
        loading && <p className="muted">Loading rules…</p>
      ) : (
        <PermissionsEditor level="user" initial={user} save={(rules) => save('user', rules)} />
      )}
      {workspace && workspaceRules ? (
        <PermissionsEditor level="workspace" where={workspace} initial={workspaceRules} save={(rules) => save('workspace', rules)} />
      ) : (
        !workspace && <p className="hint">Choose a workspace folder (on the Agents screen or in a chat) to give it rules of its own.</p>
      )}
    </>
  )
}

/** Tools & MCP: the built-in tools and who may run them, then the MCP servers. */
export function ToolsScreen() {
  const workspace = useWorkspace((state) => state.path)
  return (
    <>
      <ScreenHeader id="tools" />
      <section className="card" aria-labelledby="builtin-tools-title">
        <h2 id="builtin-tools-title">Built-in tools and permissions</h2>
        <BuiltinToolsTable />
        <PermissionsPart workspace={workspace} />
      </section>
      <McpSection />
    </>
  )
}
