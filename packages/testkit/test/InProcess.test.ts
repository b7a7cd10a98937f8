// The in-process face's own client and response (internal/inMemory.ts, internal/response.ts):
// what an HttpClientResponse built straight from the emulator's answer gives, the one URL parse,
// the platform's span, `withScope`, the kinds of request body, interruption.
import { HttpClient, HttpClientError, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Chunk, Effect, Exit, Fiber, Option, Scope, Stream, TestClock, Tracer } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { createUser, newUser, SCIM, token, withEmulator } from "./helpers.js"

const emulator = AsgardeoEmulator.AsgardeoEmulator

/** A request with a fresh all-scope token. */
const authorized = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.gen(function*() {
    const e = yield* emulator
    const t = yield* token()
    return HttpClientRequest.bearerToken(
      HttpClientRequest.prependUrl(request, e.baseUrl),
      t
    )
  })

const execute = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.flatMap(HttpClient.HttpClient, (client) => client.execute(request))

/** Effect's own tracer, keeping the spans it starts (their attributes included). */
const recording = () => {
  const spans: Array<Tracer.Span> = []
  const native = Effect.runSync(Effect.tracer)
  const tracer = Tracer.make({
    span: (...args) => {
      const span = native.span(...args)
      spans.push(span)
      return span
    },
    context: native.context
  })
  return { spans, tracer }
}

describe("in-process face: the response", () => {
  it.effect("headers: content-type, and content-length in UTF-8 bytes", () =>
    withEmulator(Effect.gen(function*() {
      const user = yield* createUser("zoë@example.com", { emails: [{ value: "zoe@example.com" }] })
      const response = yield* execute(yield* authorized(HttpClientRequest.get(`${SCIM}/Users/${user.id}`)))
      const text = yield* response.text
      assert.include(text, "zoë")
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.headers["content-type"], "application/scim+json")
      assert.strictEqual(response.headers["content-length"], String(new TextEncoder().encode(text).length))
      assert.notStrictEqual(response.headers["content-length"], String(text.length))
      assert.deepStrictEqual(response.cookies.cookies, {} as any)
      assert.isTrue(Option.isNone(response.remoteAddress))
      // Read twice, and as bytes and a stream: the same body.
      assert.strictEqual(yield* response.text, text)
      assert.strictEqual(new TextDecoder().decode(yield* response.arrayBuffer), text)
      const chunks = yield* Stream.runCollect(response.stream)
      assert.strictEqual(new TextDecoder().decode(Chunk.toReadonlyArray(chunks)[0]), text)
      assert.strictEqual(((yield* response.json) as { id: string }).id, user.id)
      // A list page's length is summed from its users' (one in a group, one not): still UTF-8 bytes.
      yield* createUser("kim@example.com")
      const e = yield* emulator
      yield* e.seedGroups([{ displayName: "équipe", members: ["zoë@example.com"] }])
      for (const query of [{}, { filter: "userName sw \"zo\"" }, { count: 0 }]) {
        const page = yield* execute(yield* authorized(HttpClientRequest.get(`${SCIM}/Users`, { urlParams: query })))
        const pageText = yield* page.text
        assert.strictEqual(page.headers["content-length"], String(new TextEncoder().encode(pageText).length))
      }
    })))

  it.effect("an answer without a body: no content headers, empty text, null JSON, no stream", () =>
    withEmulator(Effect.gen(function*() {
      const user = yield* createUser("kim@example.com")
      const response = yield* execute(yield* authorized(HttpClientRequest.del(`${SCIM}/Users/${user.id}`)))
      assert.strictEqual(response.status, 204)
      assert.isUndefined(response.headers["content-type"])
      assert.isUndefined(response.headers["content-length"])
      assert.strictEqual(yield* response.text, "")
      assert.isNull(yield* response.json)
      const streamed = yield* Effect.flip(Stream.runCollect(response.stream))
      assert.strictEqual(streamed.reason, "EmptyBody")
    })))

  it.effect("a body that is not JSON: json and formData fail with a Decode ResponseError", () =>
    withEmulator(Effect.gen(function*() {
      const e = yield* emulator
      yield* e.injectFault(AsgardeoEmulator.garbage({ path: "/scim2/Users" }))
      const response = yield* execute(yield* authorized(HttpClientRequest.get(`${SCIM}/Users`)))
      assert.strictEqual(response.headers["content-type"], "text/html")
      const json = yield* Effect.flip(response.json)
      assert.instanceOf(json, HttpClientError.ResponseError)
      assert.strictEqual(json.reason, "Decode")
      const form = yield* Effect.flip(response.formData)
      assert.strictEqual(form.reason, "Decode")
      assert.include(yield* response.text, "502 Bad Gateway")
    })))

  it.effect("list pages and users are answered as compact JSON with the ListResponse's key order", () =>
    withEmulator(Effect.gen(function*() {
      yield* createUser("a@example.com")
      yield* createUser("b@example.com")
      const response = yield* execute(
        yield* authorized(HttpClientRequest.get(`${SCIM}/Users`, { urlParams: { count: 1, startIndex: 2 } }))
      )
      const text = yield* response.text
      const page = JSON.parse(text)
      assert.strictEqual(JSON.stringify(page), text)
      assert.deepStrictEqual(Object.keys(page), ["totalResults", "startIndex", "itemsPerPage", "schemas", "Resources"])
      assert.deepStrictEqual([page.totalResults, page.startIndex, page.itemsPerPage], [2, 2, 1])
      const empty = JSON.parse(
        yield* (yield* execute(
          yield* authorized(HttpClientRequest.get(`${SCIM}/Users`, { urlParams: { startIndex: 9 } }))
        )).text
      )
      assert.deepStrictEqual(Object.keys(empty), ["totalResults", "startIndex", "itemsPerPage", "schemas"])
    })))

  it.effect("a stored user's cached JSON follows its changes: PATCH, a group joined, the group renamed", () =>
    withEmulator(Effect.gen(function*() {
      const user = yield* createUser("kim@example.com")
      const get = Effect.flatMap(
        authorized(HttpClientRequest.get(`${SCIM}/Users/${user.id}`)),
        (r) => Effect.flatMap(execute(r), (response) => response.json)
      ) as Effect.Effect<any, unknown, any>
      const list = Effect.flatMap(
        authorized(HttpClientRequest.get(`${SCIM}/Users`)),
        (r) => Effect.flatMap(execute(r), (response) => response.json)
      ) as Effect.Effect<any, unknown, any>
      assert.strictEqual((yield* get).name.givenName, "Given")
      const patch = yield* authorized(
        HttpClientRequest.patch(`${SCIM}/Users/${user.id}`).pipe(HttpClientRequest.bodyUnsafeJson({
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "replace", path: "name.givenName", value: "Changed" }]
        }))
      )
      assert.strictEqual((yield* execute(patch)).status, 200)
      assert.strictEqual((yield* get).name.givenName, "Changed")
      assert.strictEqual((yield* list).Resources[0].name.givenName, "Changed")
      const e = yield* emulator
      yield* e.seedGroups([{ displayName: "admins", members: ["kim@example.com"] }])
      assert.deepStrictEqual((yield* get).groups.map((g: any) => g.display), ["admins"])
      const group = (yield* e.snapshot()).groups[0]!
      const rename = yield* authorized(
        HttpClientRequest.patch(`${SCIM}/Groups/${group.id}`).pipe(HttpClientRequest.bodyUnsafeJson({
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "replace", value: { displayName: "owners" } }]
        }))
      )
      assert.isBelow((yield* execute(rename)).status, 300)
      assert.deepStrictEqual((yield* get).groups.map((g: any) => g.display), ["owners"])
      assert.deepStrictEqual((yield* list).Resources[0].groups.map((g: any) => g.display), ["owners"])
    })))
})

describe("in-process face: the request", () => {
  it.effect("seedUsers stores a copy: the caller changing its objects afterwards changes nothing", () =>
    withEmulator(Effect.gen(function*() {
      const e = yield* emulator
      const name = { givenName: "Alice" }
      const [seeded] = yield* e.seedUsers([{ userName: "alice@example.com", name }])
      const get = Effect.flatMap(
        authorized(HttpClientRequest.get(`${SCIM}/Users/${seeded!.id}`)),
        (r) => Effect.flatMap(execute(r), (response) => response.json)
      ) as Effect.Effect<any, unknown, any>
      assert.strictEqual((yield* get).name.givenName, "Alice")
      name.givenName = "Bob"
      assert.strictEqual((yield* get).name.givenName, "Alice")
      const snapshot = yield* e.snapshot()
      assert.strictEqual(
        (snapshot.users.find((u) => u.id === seeded!.id)?.name as { givenName?: string } | undefined)?.givenName,
        "Alice"
      )
    })))

  it.effect("a URL that does not parse is a RequestError (InvalidUrl), before the emulator", () =>
    withEmulator(Effect.gen(function*() {
      const e = yield* emulator
      const error = yield* Effect.flip(execute(HttpClientRequest.get("http://[not-a-host/t/acme/scim2/Users")))
      assert.instanceOf(error, HttpClientError.RequestError)
      assert.strictEqual(error.reason, "InvalidUrl")
      assert.strictEqual((yield* e.log).length, 0)
    })))

  it.effect("a streamed JSON body is read; a text body without a type is refused (406)", () =>
    withEmulator(Effect.gen(function*() {
      const bytes = new TextEncoder().encode(JSON.stringify(newUser("kim@example.com")))
      const streamed = yield* execute(
        yield* authorized(
          HttpClientRequest.post(`${SCIM}/Users`).pipe(
            HttpClientRequest.bodyStream(Stream.make(bytes.slice(0, 10), bytes.slice(10)), {
              contentType: "application/scim+json"
            })
          )
        )
      )
      assert.strictEqual(streamed.status, 201)
      const raw = yield* execute(
        yield* authorized(
          HttpClientRequest.post(`${SCIM}/Users`).pipe(
            HttpClientRequest.setBody({
              _tag: "Raw",
              body: JSON.stringify(newUser("sam@example.com")),
              contentType: undefined,
              contentLength: undefined
            } as any)
          )
        )
      )
      assert.strictEqual(raw.status, 406)
    })))

  it.effect("a GET with a body is a defect, as a web Request would make it", () =>
    withEmulator(Effect.gen(function*() {
      const request = yield* authorized(
        HttpClientRequest.get(`${SCIM}/Users`).pipe(HttpClientRequest.bodyText("{}", "application/json"))
      )
      const exit = yield* Effect.exit(execute(request))
      assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause))
    })))

  it.effect("interrupted during a latency fault: no answer, nothing logged, nothing stored", () =>
    withEmulator(Effect.gen(function*() {
      const e = yield* emulator
      yield* e.injectFault(AsgardeoEmulator.latency(5000, { method: "POST", path: "/scim2/Users" }))
      const request = yield* authorized(
        HttpClientRequest.post(`${SCIM}/Users`).pipe(HttpClientRequest.bodyUnsafeJson(newUser("kim@example.com")))
      )
      const logged = (yield* e.log).length
      const fiber = yield* Effect.fork(execute(request))
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual((yield* e.log).length, logged)
      assert.strictEqual((yield* e.snapshot()).users.length, 0)
    })))

  it.effect("under HttpClient.withScope, closing the scope ends a waiting request: RequestError (aborted)", () =>
    withEmulator(Effect.gen(function*() {
      const e = yield* emulator
      yield* e.injectFault(AsgardeoEmulator.latency(5000, { path: "/scim2/Users" }))
      const request = yield* authorized(HttpClientRequest.get(`${SCIM}/Users`))
      const client = HttpClient.withScope(yield* HttpClient.HttpClient)
      const scope = yield* Scope.make()
      const fiber = yield* Effect.fork(Scope.extend(client.execute(request), scope))
      yield* TestClock.adjust("1 second")
      yield* Scope.close(scope, Exit.void)
      const error = yield* Effect.flip(Fiber.join(fiber))
      assert.instanceOf(error, HttpClientError.RequestError)
      assert.strictEqual(error.reason, "Transport")
      assert.strictEqual(error.description, "aborted")
    })))

  it.effect("a dropped connection is a RequestError (Transport)", () =>
    withEmulator(Effect.gen(function*() {
      const e = yield* emulator
      yield* e.injectFault(AsgardeoEmulator.dropConnection("before", { path: "/scim2/Users" }))
      const error = yield* Effect.flip(execute(yield* authorized(HttpClientRequest.get(`${SCIM}/Users`))))
      assert.strictEqual(error.reason, "Transport")
      assert.strictEqual(error.description, "The emulator dropped the connection")
    })))
})

describe("in-process face: the platform's span", () => {
  it.effect("on by default, with HttpClient.make's name and attributes (credentials redacted)", () =>
    withEmulator(Effect.gen(function*() {
      const request = yield* authorized(HttpClientRequest.get(`${SCIM}/Users`, { urlParams: { count: 1 } }))
      const { spans, tracer } = recording()
      const response = yield* execute(request).pipe(Effect.withTracer(tracer))
      const span = spans.find((s) => s.name === "http.client GET")
      assert.isDefined(span)
      const a = span!.attributes
      assert.strictEqual(a.get("http.request.method"), "GET")
      assert.strictEqual(a.get("url.full"), `${AsgardeoEmulator.defaultBaseUrl}${SCIM}/Users?count=1`)
      assert.strictEqual(a.get("url.path"), `${SCIM}/Users`)
      assert.strictEqual(a.get("url.query"), "count=1")
      assert.strictEqual(a.get("url.scheme"), "https")
      assert.strictEqual(a.get("server.address"), AsgardeoEmulator.defaultBaseUrl)
      assert.strictEqual(a.get("http.request.header.authorization"), "<redacted>")
      assert.strictEqual(a.get("http.response.status_code"), response.status)
      assert.strictEqual(a.get("http.response.header.content-type"), "application/scim+json")
    })))

  it.effect("off when the tracer is disabled for the request", () =>
    withEmulator(Effect.gen(function*() {
      const request = yield* authorized(HttpClientRequest.get(`${SCIM}/Users`))
      const { spans, tracer } = recording()
      const client = HttpClient.withTracerDisabledWhen(yield* HttpClient.HttpClient, () => true)
      const response = yield* client.execute(request).pipe(Effect.withTracer(tracer))
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(spans.map((s) => s.name), [])
    })))
})
