import { z } from 'zod'

/** Peers on the LAN: discovery, pairing, links, models on each, model transfer. */

/** Settings section `cluster`: every field has a default so older settings files still parse. */
export const ClusterSettingsSchema = z.object({})
/** A partial update of the `cluster` section; unknown keys are refused. */
export const ClusterSettingsPatchSchema = z.object({}).partial().strict()

export const clusterRoutes = {} as const

export const clusterEvents = {} as const

export const clusterStreams = {} as const
