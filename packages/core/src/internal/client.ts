/**
 * The SCIM client's engine, built from explicit dependencies: what `ScimClient.make` runs with its
 * context, and what the token layer runs for the root organization when it looks up a
 * sub-organization by name (it cannot take `ScimClient` from a context it is building).
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Metric from "effect/Metric"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import type * as AccessToken from "../AccessToken.js"
import type * as RateLimiter from "../RateLimiter.js"
import * as RequestAbort from "../RequestAbort.js"
import type * as ScimClient from "../ScimClient.js"
import type * as ScimConfig from "../ScimConfig.js"
import * as ScimError from "../ScimError.js"
import * as Scopes from "../Scopes.js"
import * as ServiceProviderConfig from "../ServiceProviderConfig.js"
import * as Target from "../Target.js"
import * as Tolerant from "../Tolerant.js"
import * as Validation from "../Validation.js"
import { cacheSuccess } from "./cacheSuccess.js"
import * as Deadlines from "./deadlines.js"
import * as internal from "./http.js"
import { rateLimited, requests, retries } from "./metrics.js"
import * as RetryDriver from "./retryDriver.js"
import * as Secrets from "./secrets.js"
import * as Tracing from "./tracing.js"

/** @internal */
export interface Dependencies {
  readonly config: ScimConfig.Service
  readonly tokens: AccessToken.Service
  readonly limiter: RateLimiter.Service
  readonly engine: HttpClient.HttpClient
}

/** @internal */
export const encodeId = (
  target: Target.Target | "asgardeo" | "generic",
  id: unknown
): Either.Either<string, ScimError.InvalidId> => {
  if (typeof id !== "string") {
    return Either.left(new ScimError.InvalidId({ id: String(id), reason: `expected a string, got ${typeof id}` }))
  }
  const rule = Target.isTarget(target) ? target : target === "asgardeo" ? Target.asgardeo : Target.rfc7644
  return Either.mapLeft(rule.encodeId(id), (reason) => new ScimError.InvalidId({ id, reason }))
}

const identity = <A>(a: A): A => a

const final = (answered: boolean) => <E>(error: E): RetryDriver.Failure<E> => ({ _tag: "Final", error, answered })

/** @internal */
export const make = (
  { config, engine, limiter, tokens }: Dependencies
) =>
  Effect.gen(function*() {
    const target = config.target
    // One span per operation: the platform client's own span costs time and records the full URL
    // (a program may turn it on through `transformClient`; its query values are then redacted).
    // Each attempt has a deadline that aborts its request (`RequestAbort`: through the engine when
    // it honors the protocol, by interruption otherwise); interrupting an attempt aborts it too.
    const client = Tracing.transformed(engine, config.transformClient)
    const base = config.scimBaseUrl
    // Asgardeo's other APIs (organizations): the organization's URL, under `/o` in a sub-organization.
    const apiBase = config.organizationUrl === undefined
      ? undefined
      : config.subOrganization === undefined
      ? config.organizationUrl
      : `${config.organizationUrl}/o`
    // In a sub-organization every operation needs the `internal_org_*` form of its scope.
    const scopeOf: (scope: string) => string = config.subOrganization === undefined ? identity : Scopes.inOrganization
    const checkScopes = target.scopes.checked
    const withDeadline = Deadlines.make(config.timeout, yield* Effect.scope, RequestAbort.currentOf(engine))
    // What a server reflecting the request could echo: the client secret (and its Basic pair), the
    // static token; per request, the access token sent and the passwords in the body.
    const secrets: ReadonlyArray<string> = config.auth._tag === "ClientCredentials"
      ? Secrets.clientSecrets(config.auth.clientId, Redacted.value(config.auth.clientSecret))
      : [Redacted.value(config.auth.token)]

    const send = (
      request: ScimClient.Request,
      path: string,
      url: string,
      token: AccessToken.Token,
      body: string | undefined,
      secretsOf: () => ReadonlyArray<string>
    ) => {
      const req = HttpClientRequest.make(request.method)(url, {
        headers: request.ifMatch === undefined
          ? { accept: "application/scim+json, application/json" }
          : { accept: "application/scim+json, application/json", "if-match": request.ifMatch }
      }).pipe(
        HttpClientRequest.bearerToken(token.value),
        body === undefined ? identity : HttpClientRequest.bodyText(body, "application/scim+json")
      )
      return withDeadline(
        Effect.flatMap(client.execute(req), (response) =>
          Effect.map(
            response.text,
            (text): internal.Answer => ({
              status: response.status,
              text,
              location: response.headers["location"],
              retryAfter: response.headers["retry-after"],
              etag: response.headers["etag"]
            })
          )),
        () => new ScimError.TransportError({ method: request.method, path, reason: "Timeout" })
      ).pipe(
        Effect.catchTag("RequestError", "ResponseError", (error) =>
          Effect.fail(
            new ScimError.TransportError({
              method: request.method,
              path,
              reason: "Transport",
              description: error._tag === "RequestError"
                ? internal.describeRequestError(error, secretsOf())
                : "the response body could not be read"
            })
          ))
      )
    }

    const execute = (request: ScimClient.Request): Effect.Effect<ScimClient.Response, ScimClient.Error> =>
      Effect.suspend(() => {
        let path = request.path
        if (request.id !== undefined) {
          const id = encodeId(target, request.id)
          if (Either.isLeft(id)) return Effect.fail(id.left)
          path = `${path}/${id.right}`
        }
        if (request.api === "organization" && apiBase === undefined) {
          return Effect.fail(
            new ScimError.InvalidInput({
              operation: request.operation,
              field: "api",
              reason: `Asgardeo's organization APIs exist on an Asgardeo organization only, not on ${target.name}`
            })
          )
        }
        const url = (request.api === "organization" ? apiBase : base) + path + internal.encodeQuery(request.urlParams)
        const scope = request.scope === undefined ? undefined : scopeOf(request.scope)
        // The one place bodies are serialized: Redacted values unwrapped, at most 1 MiB.
        const encoded = Validation.encodeBody(request.operation, request.body)
        if (Either.isLeft(encoded)) return Effect.fail(encoded.left)
        const body = encoded.right
        if (
          request.ifMatch !== undefined &&
          (typeof request.ifMatch !== "string" || !Validation.isEntityTag(request.ifMatch))
        ) {
          return Effect.fail(
            new ScimError.InvalidInput({
              operation: request.operation,
              field: "ifMatch",
              reason: Validation.entityTagRule
            })
          )
        }
        // A conditional write is never sent twice: if a first attempt landed and its answer was
        // lost, the next would find the version it changed and answer 412, a false conflict.
        const idempotent = request.ifMatch === undefined &&
          (request.idempotent ?? (request.method !== "POST" && request.method !== "PATCH"))

        // One attempt; what follows a failure is the retry loop's decision (`internal/retryDriver.ts`).
        const attempt = (
          context: RetryDriver.Context
        ): Effect.Effect<ScimClient.Response, RetryDriver.Failure<ScimClient.Error>> =>
          Effect.flatMap(Effect.mapError(tokens.get(), final(false)), (token) => {
            if (checkScopes && scope !== undefined && token.scopes !== undefined) {
              if (!token.scopes.has(scope)) {
                return Effect.fail(
                  final(false)(
                    new ScimError.MissingScope({
                      operation: request.operation,
                      scope,
                      granted: [...token.scopes]
                    })
                  )
                )
              }
            }
            const secretsOf = () => [...secrets, Redacted.value(token.value), ...Secrets.bodySecrets(request.body)]
            // When the request leaves, after the token was at hand: what a 429 is compared with.
            return Effect.flatMap(Clock.currentTimeMillis, (sentAt) =>
              Effect.zipRight(Metric.increment(requests), send(request, path, url, token, body, secretsOf)).pipe(
                Effect.matchEffect({
                  // Transport error or timeout: no answer; its outcome is unknown.
                  onFailure: (error): Effect.Effect<never, RetryDriver.Failure<ScimClient.Error>> =>
                    Effect.fail(
                      idempotent
                        ? { _tag: "Transient", error, input: error, answered: false, reason: error.reason }
                        : { _tag: "Final", error, answered: false }
                    ),
                  onSuccess: (res): Effect.Effect<ScimClient.Response, RetryDriver.Failure<ScimClient.Error>> => {
                    if (res.status >= 200 && res.status < 300) {
                      return Effect.mapError(internal.decodeBody(request.method, path, res, secretsOf), final(true))
                    }
                    if (res.status === 404 && context.afterTransportError && request.method === "DELETE") {
                      // The earlier attempt deleted it; its answer was lost.
                      return Effect.succeed<ScimClient.Response>({
                        status: 404,
                        body: undefined,
                        location: undefined,
                        scrub: identity
                      })
                    }
                    return Effect.flatMap(
                      Clock.currentTimeMillis,
                      (now): Effect.Effect<never, RetryDriver.Failure<ScimClient.Error>> => {
                        const error = internal.statusError(request.method, path, res, now, secretsOf)
                        if (error._tag === "RateLimited") {
                          return Effect.zipRight(
                            Metric.increment(rateLimited),
                            Effect.fail(
                              { _tag: "Throttled", error, retryAfterMillis: error.retryAfterMillis, sentAt } as const
                            )
                          )
                        }
                        if (res.status === 401 && tokens.refreshable) {
                          // The refused token is dropped (compare-and-set); a 401 on a token another
                          // fiber already replaced costs no attempt.
                          return Effect.flatMap(
                            tokens.invalidate(token),
                            (wasCurrent) =>
                              Effect.fail({ _tag: "Unauthorized", error, wasCurrent } as const)
                          )
                        }
                        return Effect.fail(
                          error._tag === "ServerError" && idempotent
                            ? { _tag: "Transient", error, input: error, answered: true, reason: String(res.status) }
                            : { _tag: "Final", error, answered: true }
                        )
                      }
                    )
                  }
                })
              ))
          })

        return RetryDriver.run({
          policy: config.retry,
          limiter,
          bucket: request.bucket ?? "scim",
          label: "SCIM request",
          retried: retries,
          attempt
        }).pipe(
          Effect.withSpan(request.operation, {
            kind: "client",
            captureStackTrace: false,
            attributes: { "http.request.method": request.method, "url.path": path, "scim.target": target.name }
          })
        )
      })

    const executeDecode = <A, I>(
      request: ScimClient.Request,
      schema: Schema.Schema<A, I>
    ): Effect.Effect<A, ScimClient.Error> => {
      const decode = Tolerant.decodeUnknownEither(schema)
      return Effect.flatMap(execute(request), (response) => {
        const decoded = decode(response.body)
        return Either.isRight(decoded) ? Effect.succeed(decoded.right) : Effect.fail(
          new ScimError.InvalidResponse({
            method: request.method,
            path: request.id === undefined ? request.path : `${request.path}/${request.id}`,
            status: response.status,
            reason: response.scrub(ParseResult.TreeFormatter.formatErrorSync(decoded.left))
          })
        )
      })
    }

    // A server without the endpoint (404, 501) will not grow one: that answer is kept too.
    const serviceProviderConfig = yield* cacheSuccess(
      Effect.map(
        execute({ operation: "ServiceProviderConfig.get", method: "GET", path: "/ServiceProviderConfig" }),
        (res) =>
          ServiceProviderConfig.decode(res.body)
      ),
      (error) => error._tag === "NotFound" || error._tag === "NotImplemented"
    )

    return identity<ScimClient.Service>({
      target,
      settings: {
        scimBaseUrl: config.scimBaseUrl,
        organization: config.organization,
        pageSize: config.pageSize,
        maxPageRequests: config.maxPageRequests,
        defaultUserStore: config.defaultUserStore,
        retry: config.retry,
        timeout: config.timeout,
        refreshableTokens: tokens.refreshable,
        subOrganization: config.subOrganization
      },
      scopeOf,
      execute,
      executeDecode,
      encodeId: (id) => encodeId(target, id),
      serviceProviderConfig
    })
  })
