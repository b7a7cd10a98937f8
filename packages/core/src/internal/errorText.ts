/**
 * The message texts `ScimError`'s classes share: a server's answer, values a server sent (quoted
 * and bounded), lists cut at ten.
 *
 * @internal
 */

/** The fields of an error a server answered that its message reads. @internal */
export interface HttpFields {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly scimType?: string | undefined
  readonly detail?: string | undefined
}

/** `GET /Users/1 answered 404 (scimType): detail. Hint`. @internal */
export const answered = (self: HttpFields, hint?: string): string =>
  `${self.method} ${self.path} answered ${self.status}` +
  (self.scimType ? ` (${self.scimType})` : "") +
  (self.detail ? `: ${self.detail}` : "") +
  (hint ? `. ${hint}` : "")

/** A value a server sent: quoted (JSON escapes control characters) and bounded. @internal */
export const quote = (s: string): string => JSON.stringify(s.length > 256 ? `${s.slice(0, 256)}…` : s)

/** The first ten items shown, joined with `, `, and how many more there are. @internal */
export const firstTen = <A>(items: ReadonlyArray<A>, show: (a: A) => string): string =>
  items.slice(0, 10).map(show).join(", ") + (items.length > 10 ? ` and ${items.length - 10} more` : "")

/**
 * The message of a name that matches several users, groups, roles or organizations: the
 * candidates and the fix (`true`, the default: qualify the name with its store, e.g. the first
 * candidate's name; `false`: only the id; a text: that, or the id).
 *
 * @internal
 */
export const ambiguous = <C extends { readonly id: string }>(
  operation: string,
  what: string,
  name: string,
  kind: string,
  candidates: ReadonlyArray<C>,
  nameOf: (candidate: C) => string,
  fix: boolean | string = true
): string => {
  const shown = firstTen(candidates, (c) => `${quote(nameOf(c))} (id ${quote(c.id)})`)
  const example = candidates[0] === undefined ? "" : ` (e.g. ${quote(nameOf(candidates[0]))})`
  const how = fix === true ? `qualify the name with its store${example}` : fix === false ? undefined : fix
  return `${operation}: the ${what} ${quote(name)} matches ${candidates.length} ${kind}s: ${shown}; ` +
    (how === undefined ? `use the ${kind}'s id` : `${how} or use the ${kind}'s id`)
}
