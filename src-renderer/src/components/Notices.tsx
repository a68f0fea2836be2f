import { useEffect } from 'react'
import { useAppStore, type Notice } from '../store/app-store'

function NoticeItem({ notice, dismiss }: { notice: Notice; dismiss(id: number): void }) {
  const { id, timeoutMs, action } = notice
  useEffect(() => {
    if (!timeoutMs) return
    const timer = setTimeout(() => dismiss(id), timeoutMs)
    return () => clearTimeout(timer)
  }, [id, timeoutMs, dismiss])
  return (
    <div className={`notice notice-${notice.level}`} role={notice.level === 'error' ? 'alert' : 'status'}>
      <div>
        <strong>{notice.message}</strong>
        {notice.hint && <p>{notice.hint}</p>}
      </div>
      {action && (
        <button
          type="button"
          className="link-button notice-action"
          onClick={() => {
            dismiss(id)
            action.run()
          }}
        >
          {action.label}
        </button>
      )}
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(id)}>
        ×
      </button>
    </div>
  )
}

export function Notices() {
  const notices = useAppStore((state) => state.notices)
  const dismiss = useAppStore((state) => state.dismiss)
  return (
    <div className="notices" aria-live="polite">
      {notices.map((notice) => (
        <NoticeItem key={notice.id} notice={notice} dismiss={dismiss} />
      ))}
    </div>
  )
}
