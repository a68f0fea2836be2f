import { useAppStore } from '../store/app-store'

export function Notices() {
  const notices = useAppStore((state) => state.notices)
  const dismiss = useAppStore((state) => state.dismiss)
  return (
    <div className="notices" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.level}`} role={notice.level === 'error' ? 'alert' : 'status'}>
          <div>
            <strong>{notice.message}</strong>
            {notice.hint && <p>{notice.hint}</p>}
          </div>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  )
}
