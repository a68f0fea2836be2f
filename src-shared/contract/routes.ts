import type { z } from 'zod'
import { mergeTables } from './capability'
import { registry } from './registry'

/**
 * Every request the renderer (or any other client) can make: the routes of every capability in
 * registry.ts. Declare a route in its capability's file; the core will not build until the
 * capability's wiring (src-main/core/app) has a handler for it.
 */
export const routes = mergeTables(registry, 'routes')

export type Routes = typeof routes
export type RouteName = keyof Routes
export type RouteInput<K extends RouteName> = z.input<Routes[K]['input']>
export type RouteParsedInput<K extends RouteName> = z.output<Routes[K]['input']>
export type RouteOutput<K extends RouteName> = z.output<Routes[K]['output']>

export const routeNames = Object.keys(routes) as RouteName[]
export const isRouteName = (name: string): name is RouteName => Object.hasOwn(routes, name)
