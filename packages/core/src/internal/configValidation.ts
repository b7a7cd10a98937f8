/**
 * The checks behind the configuration: each bad setting is a `ConfigError` naming it.
 *
 * @internal
 */
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Target from "../Target.js"
import * as Validation from "../Validation.js"

/** @internal */
export const invalid = (name: string, message: string) => ConfigError.InvalidData([name], message)

/** @internal */
export const validateUserStore = (name: string, value: unknown): Either.Either<string, ConfigError.ConfigError> =>
  value === undefined
    ? Either.right(Target.asgardeo.userStores!.primary)
    : typeof value === "string" && Validation.isUserStoreDomain(value.trim())
    ? Either.right(value.trim().toUpperCase())
    : Either.left(
      invalid(
        name,
        `${name} must be a user-store domain (letters, digits, '.', '_' or '-', at most ${Validation.maxDomainLength}), ` +
          `got ${typeof value === "string" ? JSON.stringify(value.slice(0, 80)) : typeof value}`
      )
    )

const octet = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
const loopbackIPv4 = new RegExp(`^127\\.${octet}\\.${octet}\\.${octet}$`)

/**
 * Whether a host may be reached over plain `http://`: `localhost` itself, an IPv4 address in
 * `127.0.0.0/8` in dotted-decimal form, or `[::1]`. The argument is a hostname as `URL.hostname`
 * gives it (lower-cased, IPv4 normalised, IPv6 in brackets); run strings through `new URL`
 * first. Nothing that a resolver looks up counts: not `*.localhost`, not `localhost.` (a fully
 * qualified name the resolver may send to DNS), not `127.0.0.1.example.com`. Numeric spellings
 * such as `http://2130706433/` or `http://0x7f.1/` are accepted only because the URL parser
 * rewrites them to `127.0.0.1` before anything connects.
 *
 * @internal
 */
export const isLoopbackHost = (hostname: string): boolean => {
  if (typeof hostname !== "string") return false
  const host = hostname.toLowerCase()
  return host === "localhost" || host === "[::1]" || loopbackIPv4.test(host)
}

/**
 * Checks a URL: absolute, `https:` (or `http:` to a loopback host, see {@link isLoopbackHost}), no
 * credentials, query or fragment. Returns it as the URL parser normalised it, without trailing
 * slashes.
 *
 * @internal
 */
export const validateUrl = (name: string, value: string): Either.Either<string, ConfigError.ConfigError> => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return Either.left(invalid(name, `${name} is not an absolute URL`))
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Either.left(invalid(name, `${name} must use https:// (got ${url.protocol})`))
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return Either.left(
      invalid(
        name,
        `${name} uses plain http:// to ${url.hostname}: only loopback hosts (localhost, 127.x.x.x, [::1]) may use http, use https://`
      )
    )
  }
  if (url.username !== "" || url.password !== "") {
    return Either.left(invalid(name, `${name} must not carry credentials`))
  }
  if (url.search !== "" || url.hash !== "") {
    return Either.left(invalid(name, `${name} must not have a query string or fragment`))
  }
  return Either.right(url.toString().replace(/\/+$/, ""))
}

/** @internal */
export const validateNonEmpty = (name: string, value: unknown): Either.Either<string, ConfigError.ConfigError> =>
  typeof value !== "string" || value.trim() === ""
    ? Either.left(ConfigError.MissingData([name], `${name} is missing or empty`))
    : Either.right(value.trim())

/** @internal */
export const validatePositiveInt = (
  name: string,
  value: number | undefined,
  fallback: number
): Either.Either<number, ConfigError.ConfigError> =>
  value === undefined
    ? Either.right(fallback)
    : Number.isInteger(value) && value > 0
    ? Either.right(value)
    : Either.left(invalid(name, `${name} must be a positive integer (got ${String(value)})`))

/** @internal */
export const validateDuration = (
  name: string,
  value: Duration.DurationInput | undefined,
  fallback: Duration.Duration
): Either.Either<Duration.Duration, ConfigError.ConfigError> => {
  if (value === undefined) return Either.right(fallback)
  const decoded = Duration.decodeUnknown(value)
  if (decoded._tag === "None" || Duration.toMillis(decoded.value) < 0) {
    return Either.left(invalid(name, `${name} is not a valid duration`))
  }
  return Either.right(decoded.value)
}

/** @internal */
export const validateScopes = (name: string, scopes: unknown) =>
  Array.isArray(scopes) && scopes.every((s) => typeof s === "string" && /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s))
    ? Either.right(Array.from(new Set(scopes as ReadonlyArray<string>)))
    : Either.left(invalid(name, `${name} must be non-empty scope tokens without spaces or quotes`))

/** @internal */
export const validateSecret = (
  name: string,
  value: unknown
): Either.Either<Redacted.Redacted<string>, ConfigError.ConfigError> => {
  if (Redacted.isRedacted(value)) {
    const raw: unknown = Redacted.value(value)
    return typeof raw === "string" && raw.trim() !== ""
      ? Either.right(value as Redacted.Redacted<string>)
      : Either.left(ConfigError.MissingData([name], `${name} is missing or empty`))
  }
  if (typeof value === "string" && value.trim() !== "") return Either.right(Redacted.make(value))
  return Either.left(ConfigError.MissingData([name], `${name} is missing or empty`))
}

/** @internal */
export const validateFunction = <F extends (...args: ReadonlyArray<never>) => unknown>(
  name: string,
  value: F | undefined
): Either.Either<F | undefined, ConfigError.ConfigError> =>
  value === undefined || typeof value === "function"
    ? Either.right(value)
    : Either.left(invalid(name, `${name} must be a function, got ${typeof value}`))

/** @internal */
export const validateClientAuthentication = (
  name: string,
  value: unknown
): Either.Either<"basic" | "post", ConfigError.ConfigError> =>
  value === undefined || value === "basic" || value === "post"
    ? Either.right(value ?? "basic")
    : Either.left(invalid(name, `${name} must be "basic" or "post"`))

/** @internal */
export const validateSubOrganization = (
  name: string,
  value: unknown
): Either.Either<{ readonly id: string } | { readonly name: string }, ConfigError.ConfigError> => {
  const o = typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined
  const keys = o === undefined ? [] : Object.keys(o).filter((k) => o[k] !== undefined)
  if (o !== undefined && keys.length === 1 && keys[0] === "id") {
    const id = o.id
    return typeof id === "string" && /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(id)
      ? Either.right({ id })
      : Either.left(invalid(`${name}.id`, `${name}.id must be an organization id (letters, digits, '-', '_')`))
  }
  if (o !== undefined && keys.length === 1 && keys[0] === "name") {
    const given = o.name
    return typeof given === "string" && given.trim() !== "" && given.length <= 256 &&
        !/[\u0000-\u001f\u007f]/.test(given)
      ? Either.right({ name: given.trim() })
      : Either.left(invalid(`${name}.name`, `${name}.name must be a non-empty organization name of printable text`))
  }
  return Either.left(invalid(name, `${name} must be { id } or { name }, exactly one of them`))
}

/**
 * The Roles API version: `"v2"` or `"v3"` (any case, trimmed, as an environment variable may
 * hold it), or `undefined` when not set.
 *
 * @internal
 */
export const validateRolesApi = (
  name: string,
  value: unknown
): Either.Either<"v2" | "v3" | undefined, ConfigError.ConfigError> => {
  if (value === undefined) return Either.right(undefined)
  const v = typeof value === "string" ? value.trim().toLowerCase() : undefined
  return v === "v2" || v === "v3"
    ? Either.right(v)
    : Either.left(
      invalid(
        name,
        `${name} must be "v2" or "v3" (the Asgardeo Roles API the application is authorized for), got ${
          typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value
        }`
      )
    )
}
