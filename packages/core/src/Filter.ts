/**
 * SCIM filters (RFC 7644 §3.4.2.2): a typed AST, builders, an escaping printer, a parser for raw
 * strings, and capability profiles that reject what a target does not support before sending.
 *
 * @since 0.1.0
 */

/**
 * Comparison operators.
 *
 * @since 0.1.0
 * @category models
 */
export type CompareOperator = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le"

/**
 * A comparison value: a JSON string, number, boolean or null.
 *
 * @since 0.1.0
 * @category models
 */
export type Value = string | number | boolean | null

/**
 * `attribute op value`. `attribute` is an attribute path: `userName`, `name.givenName`,
 * `emails.value`, or URN-qualified (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Compare {
  readonly _tag: "Compare"
  readonly attribute: string
  readonly operator: CompareOperator
  readonly value: Value
}

/**
 * `attribute pr`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Present {
  readonly _tag: "Present"
  readonly attribute: string
}

/**
 * `left and right`.
 *
 * @since 0.1.0
 * @category models
 */
export interface And {
  readonly _tag: "And"
  readonly left: Filter
  readonly right: Filter
}

/**
 * `left or right`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Or {
  readonly _tag: "Or"
  readonly left: Filter
  readonly right: Filter
}

/**
 * `not (filter)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Not {
  readonly _tag: "Not"
  readonly filter: Filter
}

/**
 * `attribute[filter]`, for example `emails[type eq "work" and value co "@example.com"]`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ValuePath {
  readonly _tag: "ValuePath"
  readonly attribute: string
  readonly filter: Filter
}

/**
 * @since 0.1.0
 * @category models
 */
export type Filter = Compare | Present | And | Or | Not | ValuePath
