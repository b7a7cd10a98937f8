/**
 * The handlers of {@link HrApi}, composed from `HrDirectory`. Our errors are mapped to HTTP
 * errors explicitly, here at the boundary: the library's `NotFound` and `HttpApiError.NotFound`
 * share a tag name, so nothing is left to chance.
 *
 * @since 0.1.0
 */
import * as HrDirectory from "@asgardeo-scim/hr/HrDirectory"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiError from "@effect/platform/HttpApiError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { HrApi, Onboarded, RoleChanged } from "./HrApi.js"

/**
 * The HTTP errors the API answers.
 *
 * @since 0.1.0
 * @category errors
 */
export type HttpError =
  | HttpApiError.BadRequest
  | HttpApiError.NotFound
  | HttpApiError.Conflict
  | HttpApiError.ServiceUnavailable
  | HttpApiError.InternalServerError

/**
 * What each library error means for an HTTP caller. Input errors are the caller's (400), a
 * missing user 404, a clash 409; server trouble and partial work 503 (a retry completes it);
 * credentials, scopes and anything else are the backend's own problem (500, logged).
 *
 * @since 0.1.0
 * @category errors
 */
export const toHttpError = (
  error: { readonly _tag: string; readonly message: string }
): Effect.Effect<HttpError> => {
  switch (error._tag) {
    case "InvalidEmployee":
    case "UnknownRole":
    case "InvalidInput":
    case "InvalidId":
    case "BadRequest":
      return Effect.as(Effect.logInfo("rejected", error.message), new HttpApiError.BadRequest())
    case "NotFound":
      return Effect.succeed(new HttpApiError.NotFound())
    case "Conflict":
    case "EmployeeConflict":
      return Effect.as(Effect.logWarning("conflict", error.message), new HttpApiError.Conflict())
    case "RateLimited":
    case "ServerError":
    case "TransportError":
    case "Incomplete":
      return Effect.as(Effect.logWarning("Asgardeo unavailable", error.message), new HttpApiError.ServiceUnavailable())
    default:
      return Effect.as(
        Effect.logError("HR backend failure", error._tag, error.message),
        new HttpApiError.InternalServerError()
      )
  }
}

const mapErrors = <A, E extends { readonly _tag: string; readonly message: string }, R>(
  effect: Effect.Effect<A, E, R>
) => Effect.catchAll(effect, (error) => Effect.flip(toHttpError(error)))

/**
 * @since 0.1.0
 * @category layers
 */
export const EmployeesLive = HttpApiBuilder.group(HrApi, "employees", (handlers) =>
  Effect.gen(function*() {
    const hr = yield* HrDirectory.HrDirectory
    return handlers
      .handle("onboard", ({ payload }) =>
        mapErrors(hr.onboardEmployee(payload)).pipe(Effect.map((r) => new Onboarded(r))))
      .handle("changeRole", ({ path, payload }) =>
        mapErrors(hr.changeRole(path.userId, payload.role)).pipe(
          Effect.map((r) =>
            new RoleChanged({ userId: r.userId, userName: r.userName, role: r.role, removedFrom: r.removedFrom })
          )
        ))
      .handle("deactivate", ({ path }) =>
        mapErrors(hr.deactivate(path.userId)))
  }))

/**
 * The API with its handlers; needs `HrDirectory`.
 *
 * @since 0.1.0
 * @category layers
 */
export const HrApiLive = HttpApiBuilder.api(HrApi).pipe(Layer.provide(EmployeesLive))
