import fc from 'fast-check'
import { z } from 'zod'

/** A JSON Schema node as z.toJSONSchema writes it (the parts this generator reads). */
interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  prefixItems?: JsonSchema[]
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  $ref?: string
  $defs?: Record<string, JsonSchema>
}

export interface SchemaArbitraryOptions {
  /** Strings worth trying anywhere a string goes: ids that exist, paths, addresses, model names. */
  strings: readonly string[]
  /** Longest generated array (arrays are cut to this whatever the schema allows). */
  maxItems?: number
}

const anyJson = fc.jsonValue({ maxDepth: 2 })

/**
 * Inputs shaped like a zod schema's (through its JSON Schema): the right keys and types, values
 * drawn near the bounds and from `strings`, so most of them pass validation and reach the handler.
 * Refinements the JSON Schema cannot say are not followed: some inputs fail them, which is wanted.
 */
export function schemaArbitrary(schema: z.ZodType, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema
  const maxItems = options.maxItems ?? 3
  const pool = options.strings.length > 0 ? fc.constantFrom(...options.strings) : fc.string()

  const resolve = (node: JsonSchema): JsonSchema => {
    if (!node.$ref) return node
    if (node.$ref === '#') return root
    const name = node.$ref.replace(/^#\/\$defs\//, '')
    return root.$defs?.[name] ?? {}
  }

  const stringOf = (node: JsonSchema): fc.Arbitrary<string> => {
    const min = node.minLength ?? 0
    const max = Math.min(node.maxLength ?? 64, 64)
    const choices: fc.Arbitrary<string>[] = [fc.string({ minLength: Math.min(min, max), maxLength: Math.max(min, max) }), pool]
    if (node.pattern) {
      try {
        choices.push(fc.stringMatching(new RegExp(node.pattern)).filter((s) => s.length <= (node.maxLength ?? Infinity)))
      } catch {
        // a pattern JavaScript cannot compile: the other choices still apply
      }
    }
    if (node.format === 'uri' || node.format === 'url') choices.push(fc.constantFrom('http://127.0.0.1:9/', 'https://example.invalid/x', 'http://localhost:9/v1'))
    return fc.oneof(...choices)
  }

  const numberOf = (node: JsonSchema, integer: boolean): fc.Arbitrary<number> => {
    const min = node.minimum ?? (node.exclusiveMinimum !== undefined ? node.exclusiveMinimum + (integer ? 1 : 1e-6) : -1e6)
    const max = node.maximum ?? (node.exclusiveMaximum !== undefined ? node.exclusiveMaximum - (integer ? 1 : 1e-6) : 1e6)
    const lo = Math.max(min, -Number.MAX_SAFE_INTEGER)
    const hi = Math.min(max, Number.MAX_SAFE_INTEGER)
    const small = integer ? fc.integer({ min: Math.ceil(lo), max: Math.floor(Math.min(hi, Math.max(lo, 0) + 10)) }) : fc.double({ min: lo, max: Math.min(hi, Math.max(lo, 0) + 10), noNaN: true })
    return fc.oneof(small, fc.constantFrom(lo, hi), integer ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }) : fc.double({ min: lo, max: hi, noNaN: true }))
  }

  const build = (raw: JsonSchema, depth: number): fc.Arbitrary<unknown> => {
    const node = resolve(raw)
    if (depth > 6) return anyJson
    if (node.const !== undefined) return fc.constant(node.const)
    if (node.enum) return fc.constantFrom(...node.enum)
    const union = node.anyOf ?? node.oneOf
    if (union) return fc.oneof(...union.map((member) => build(member, depth + 1)))
    if (node.allOf?.[0]) return build(node.allOf[0], depth + 1)
    if (Array.isArray(node.type)) return fc.oneof(...node.type.map((type) => build({ ...node, type }, depth + 1)))
    switch (node.type) {
      case 'string':
        return stringOf(node)
      case 'integer':
        return numberOf(node, true)
      case 'number':
        return numberOf(node, false)
      case 'boolean':
        return fc.boolean()
      case 'null':
        return fc.constant(null)
      case 'array': {
        if (node.prefixItems) return fc.tuple(...node.prefixItems.map((item) => build(item, depth + 1)))
        const items = node.items ? build(node.items, depth + 1) : anyJson
        const min = Math.min(node.minItems ?? 0, maxItems)
        return fc.array(items, { minLength: min, maxLength: Math.max(min, Math.min(node.maxItems ?? maxItems, maxItems)) })
      }
      case 'object': {
        const properties = node.properties ?? {}
        const keys = Object.keys(properties)
        if (keys.length === 0 && typeof node.additionalProperties === 'object') {
          return fc.dictionary(fc.oneof(pool, fc.string({ maxLength: 12 })), build(node.additionalProperties, depth + 1), { maxKeys: maxItems })
        }
        const record = Object.fromEntries(keys.map((key) => [key, build(properties[key]!, depth + 1)]))
        return fc.record(record, { requiredKeys: (node.required ?? []).filter((key) => keys.includes(key)) })
      }
      default:
        return anyJson
    }
  }
  return build(root, 0)
}

/** One small change that usually breaks an input: a key dropped, a value of the wrong type, a key too many. */
export function nearMiss(valid: fc.Arbitrary<unknown>, strings: readonly string[]): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.constant(null), fc.integer(), fc.double(), fc.boolean(), fc.constantFrom(...strings, '', 'x'.repeat(5000)), fc.array(fc.integer(), { maxLength: 3 }), fc.constant({}))
  return fc.tuple(valid, fc.nat(), wrong, fc.constantFrom('drop', 'retype', 'extra', 'whole')).map(([value, pick, other, how]) => {
    if (how === 'whole' || typeof value !== 'object' || value === null || Array.isArray(value)) return other
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) }
    const keys = Object.keys(copy)
    const key = keys.length > 0 ? keys[pick % keys.length]! : 'extra'
    if (how === 'drop') delete copy[key]
    else if (how === 'retype') copy[key] = other
    else copy[`${key}_${pick % 7}`] = other
    return copy
  })
}
