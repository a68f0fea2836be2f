import { useCallback, useEffect, useRef, useState } from 'react'
import type { ClusterPeerView, ClusterStatus, ErrorShape } from '../../../../src-shared/contract'
import { useApi } from '../../api/context'

export interface ClusterData {
  status: ClusterStatus | undefined
  peers: ClusterPeerView[]
  /** Why the peers could not be listed (not shown while clustering is off). */
  problem: ErrorShape | undefined
  loading: boolean
  reload(refresh?: boolean): Promise<void>
}

/** Status and peers; reloads on `cluster.changed` and every few seconds while clustering is on (last seen moves). */
export function useCluster(pollMs = 10_000): ClusterData {
  const api = useApi()
  const [status, setStatus] = useState<ClusterStatus | undefined>()
  const [peers, setPeers] = useState<ClusterPeerView[]>([])
  const [problem, setProblem] = useState<ErrorShape | undefined>()
  const [loading, setLoading] = useState(true)
  const generation = useRef(0)

  const reload = useCallback(
    async (refresh = false) => {
      const mine = ++generation.current
      const next = await api.call('cluster.status', {})
      if (mine !== generation.current) return
      if (!next.ok) {
        setProblem(next.error)
        setLoading(false)
        return
      }
      setStatus(next.value)
      if (!next.value.listening) {
        setPeers([])
        setProblem(undefined)
        setLoading(false)
        return
      }
      const listed = await api.call('cluster.peers', { refresh })
      if (mine !== generation.current) return
      setLoading(false)
      if (listed.ok) {
        setPeers(listed.value.peers)
        setProblem(undefined)
      } else setProblem(listed.error)
    },
    [api],
  )

  useEffect(() => {
    void reload(true)
    const off = api.on('cluster.changed', () => void reload())
    return off
  }, [api, reload])

  const listening = status?.listening != null
  useEffect(() => {
    if (!listening || pollMs <= 0) return
    const timer = setInterval(() => void reload(), pollMs)
    return () => clearInterval(timer)
  }, [listening, pollMs, reload])

  return { status, peers, problem, loading, reload }
}
