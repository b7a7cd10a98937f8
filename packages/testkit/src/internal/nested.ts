/**
 * Case-insensitive keys in nested JSON objects: the one place that finds an attribute's key
 * whatever its case, and removes an attribute at a path of keys (projection's
 * `excludedAttributes` and PATCH `remove` both do). Removal copies each object on the path, so
 * a caller's shared sub-objects are never changed in place.
 *
 * @internal
 */
import type { JsonObject } from "./reply.js"
import { isObject } from "./reply.js"

/** The first key of `obj` equal to `key` ignoring case. @internal */
export const keyIn = (obj: object, key: string): string | undefined => {
  const lower = key.toLowerCase()
  return Object.keys(obj).find((k) => k.toLowerCase() === lower)
}

/** How {@link removeAt} walks. @internal */
export interface RemoveOptions {
  /** Keys never removed, at any depth. */
  readonly keep?: ReadonlySet<string> | undefined
  /** Whether the path goes on into each object of an array (else an array ends the walk). */
  readonly intoArrays: boolean
}

/** Removes the attribute at `keys` (matched ignoring case) from `target`. @internal */
export const removeAt = (target: JsonObject, keys: ReadonlyArray<string>, options: RemoveOptions): void => {
  const [head, ...tail] = keys
  if (head === undefined) return
  const key = keyIn(target, head)
  if (key === undefined || options.keep?.has(key) === true) return
  if (tail.length === 0) {
    delete target[key]
    return
  }
  const value = target[key]
  if (isObject(value)) {
    const child = { ...value }
    removeAt(child, tail, options)
    target[key] = child
  } else if (options.intoArrays && Array.isArray(value)) {
    target[key] = value.map((item) => {
      if (!isObject(item)) return item
      const child = { ...item }
      removeAt(child, tail, options)
      return child
    })
  }
}
