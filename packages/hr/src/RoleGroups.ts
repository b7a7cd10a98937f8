/**
 * The role groups of a `RoleMapping`, found or created once and cached, for every operation that
 * places a user in a role:
 *
 * - `ensure` finds each group by name (`Groups.findByName`'s rule: a bare name in the default
 *   user store) and creates the missing ones. Concurrent callers share one lookup; once it
 *   succeeded, calls answer from the cache without a request. A failed lookup is not cached.
 * - A group created meanwhile by someone else (409), or whose create answer was lost or was a
 *   5xx, is looked up again before another create, a bounded number of times: never twice.
 * - `withGroups` runs an operation with the groups; when it meets a 404 (a cached group was
 *   deleted), the cache is dropped and the operation runs once more with the groups looked up
 *   again (recreated when missing).
 *
 * Asgardeo groups grant permissions only once they are assigned to roles in the console.
 *
 * @since 0.2.0
 */
import * as Retry from "@asgardeo-scim/core/Retry"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import type * as ScimError from "@asgardeo-scim/core/ScimError"
import type * as Group from "@asgardeo-scim/directory/Group"
import * as Groups from "@asgardeo-scim/directory/Groups"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type { DirectoryError } from "./HrError.js"
import { UnknownRole } from "./HrError.js"
import * as RoleMapping from "./RoleMapping.js"

/**
 * A role group as found or created in the directory.
 *
 * @since 0.2.0
 * @category models
 */
export interface RoleGroup {
  readonly role: string
  /** The configured name (`HR-Managers`). */
  readonly name: string
  readonly id: string
  /** The name as the server returns it (`DEFAULT/HR-Managers` on Asgardeo). */
  readonly displayName: string
}

/**
 * @since 0.2.0
 * @category models
 */
export interface Service {
  /**
   * Every role group of the mapping, in the mapping's order: found or created on the first call,
   * from the cache after. Idempotent and safe under concurrency (one lookup for all callers).
   */
  readonly ensure: Effect.Effect<ReadonlyArray<RoleGroup>, DirectoryError>
  /** The group of one role; a role outside the mapping fails with `UnknownRole` before any request. */
  readonly of: (role: string) => Effect.Effect<RoleGroup, DirectoryError | UnknownRole>
  /** Drops the cache: the next call looks the groups up again. */
  readonly forget: Effect.Effect<void>
  /**
   * Runs `f` with the role groups. When `f` fails with an error that says a cached group is gone
   * (`isStale`; by default a `NotFound`), the cache is dropped and `f` runs once more with the
   * groups looked up again.
   */
  readonly withGroups: <A, E, R>(
    f: (groups: ReadonlyArray<RoleGroup>) => Effect.Effect<A, E, R>,
    options?: { readonly isStale?: ((error: E) => boolean) | undefined }
  ) => Effect.Effect<A, E | DirectoryError, R>
}

/**
 * @since 0.2.0
 * @category tags
 */
export class RoleGroups extends Context.Tag("@asgardeo-scim/hr/RoleGroups")<RoleGroups, Service>() {}

/** Why one find-or-create failed: created nowhere for sure (`again`), or final. */
type Failure =
  | { readonly again: ScimError.TransportError | ScimError.ServerError }
  | { readonly final: DirectoryError }

const isNotFound = (error: unknown): boolean => Predicate.isTagged(error, "NotFound")

/**
 * @since 0.2.0
 * @category constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  Groups.Groups | RoleMapping.RoleMapping | ScimClient.ScimClient
> = Effect.gen(function*() {
  const groups = yield* Groups.Groups
  const { settings } = yield* ScimClient.ScimClient
  const mapping = yield* RoleMapping.RoleMapping
  const cache = yield* SynchronizedRef.make(Option.none<ReadonlyArray<RoleGroup>>())

  /**
   * Finds the group by name, or creates it: the client's one retry policy (`Retry.transient`).
   * A create whose outcome is unknown (answer lost, 5xx) is followed by a look before creating
   * again, on the policy's backoff; one raced by another creator (409) by a look at once. A
   * failure of a look is final: nothing is created blind.
   */
  const findOrCreate = (role: string, name: string): Effect.Effect<RoleGroup, DirectoryError> => {
    const toRoleGroup = (g: Group.Group): RoleGroup => ({ role, name, id: g.id, displayName: g.displayName })
    const find = Effect.mapError(groups.findByName(name), (e): Failure => ({ final: e }))
    const attempt: Effect.Effect<RoleGroup, Failure> = Effect.flatMap(find, (found) =>
      Option.isSome(found)
        ? Effect.succeed(toRoleGroup(found.value))
        : groups.create({ displayName: name }).pipe(
          Effect.map(toRoleGroup),
          Effect.catchTag("Conflict", (conflict) =>
            Effect.flatMap(find, (again) =>
              Option.isSome(again)
                ? Effect.succeed(toRoleGroup(again.value))
                : Effect.fail<Failure>({ final: conflict }))),
          Effect.mapError((e): Failure =>
            "again" in e || "final" in e ? e : Retry.isUnknownOutcome(e) ? { again: e } : { final: e }
          )
        ))
    return Retry.transient(settings.retry, attempt, (e) => "again" in e ? e.again : undefined).pipe(
      Effect.mapError((e) => "again" in e ? e.again : e.final)
    )
  }

  const lookup = Effect.forEach(mapping.mapping, ({ group, role }) => findOrCreate(role, group), { concurrency: 3 })
    .pipe(
      Effect.withSpan("RoleGroups.lookup")
    )

  // The cache is read without the lock; a miss takes it, so concurrent misses share one lookup.
  const ensure: Effect.Effect<ReadonlyArray<RoleGroup>, DirectoryError> = Effect.flatMap(
    SynchronizedRef.get(cache),
    Option.match({
      onSome: Effect.succeed,
      onNone: () =>
        SynchronizedRef.modifyEffect(cache, (current) =>
          Option.isSome(current)
            ? Effect.succeed([current.value, current] as const)
            : Effect.map(lookup, (all) => [all, Option.some(all)] as const))
    })
  )

  const forget = SynchronizedRef.set(cache, Option.none())

  /** Drops the cache only if it still holds `stale` (another caller may have refreshed it already). */
  const forgetIfStill = (stale: ReadonlyArray<RoleGroup>) =>
    SynchronizedRef.update(
      cache,
      (current) => (Option.isSome(current) && current.value === stale ? Option.none() : current)
    )

  const withGroups = <A, E, R>(
    f: (all: ReadonlyArray<RoleGroup>) => Effect.Effect<A, E, R>,
    options?: { readonly isStale?: ((error: E) => boolean) | undefined }
  ): Effect.Effect<A, E | DirectoryError, R> => {
    const isStale = options?.isStale ?? isNotFound
    return Effect.flatMap(ensure, (all) =>
      f(all).pipe(
        Effect.catchIf(
          (e) => isStale(e),
          () => Effect.zipRight(forgetIfStill(all), Effect.flatMap(ensure, f))
        )
      ))
  }

  const of = (role: string): Effect.Effect<RoleGroup, DirectoryError | UnknownRole> =>
    Effect.flatMap(mapping.groupOf(role), () =>
      Effect.flatMap(ensure, (all) => {
        const found = all.find((g) => g.role === role)
        return found !== undefined
          ? Effect.succeed(found)
          : Effect.fail(new UnknownRole({ role, known: mapping.mapping.map((m) => m.role) }))
      }))

  return RoleGroups.of({ ensure, of, forget, withGroups })
})

/**
 * @since 0.2.0
 * @category layers
 */
export const layer: Layer.Layer<
  RoleGroups,
  never,
  Groups.Groups | RoleMapping.RoleMapping | ScimClient.ScimClient
> = Layer.effect(
  RoleGroups,
  make
)
