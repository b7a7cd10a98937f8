import * as Paging from "@asgardeo-scim/core/Paging"
import { PagingAborted } from "@asgardeo-scim/core/ScimError"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Chunk, Data, Effect, Either, Exit, Stream } from "effect"

interface Item {
  readonly id?: string
  readonly n: number
}

const items = (n: number, prefix = "u"): ReadonlyArray<Item> =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i + 1}`, n: i + 1 }))

interface Call {
  readonly startIndex: number
  readonly count: number
}

/** A fake server: `respond` answers a request; every request is recorded. */
const server = <A>(respond: (startIndex: number, count: number, call: number) => Paging.Page<A>) => {
  const calls: Array<Call> = []
  const fetchPage = (startIndex: number, count: number) =>
    Effect.sync(() => {
      calls.push({ startIndex, count })
      return respond(startIndex, count, calls.length)
    })
  return { calls, fetchPage }
}

/** The honest window of `data` at a 1-based startIndex. */
const window = <A>(data: ReadonlyArray<A>, startIndex: number, count: number): ReadonlyArray<A> =>
  data.slice(Math.max(startIndex, 1) - 1, Math.max(startIndex, 1) - 1 + count)

const run = <A>(fetchPage: (s: number, c: number) => Effect.Effect<Paging.Page<A>>, options?: {
  readonly pageSize?: number
  readonly maxRequests?: number
  readonly idOf?: (a: A) => string | undefined
}) =>
  Stream.runCollect(Paging.stream({
    path: "/Users",
    pageSize: options?.pageSize ?? 10,
    maxRequests: options?.maxRequests ?? 100,
    fetchPage,
    idOf: options?.idOf ?? ((a) => (a as Item).id)
  })).pipe(Effect.map(Chunk.toReadonlyArray))

const ns = (as: ReadonlyArray<Item>): ReadonlyArray<number> => as.map((a) => a.n)
const range = (from: number, to: number): ReadonlyArray<number> =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe("Paging.stream", () => {
  it.effect("a correct server: every resource once, count = pageSize, startIndex advances by received", () =>
    Effect.gen(function*() {
      const data = items(25)
      const s = server((start, count) => ({ resources: window(data, start, count), totalResults: 25 }))
      const out = yield* run(s.fetchPage)
      assert.deepStrictEqual(ns(out), range(1, 25))
      assert.deepStrictEqual(s.calls, [
        { startIndex: 1, count: 10 },
        { startIndex: 11, count: 10 },
        { startIndex: 21, count: 10 },
        { startIndex: 26, count: 10 } // the empty page ends it, not totalResults
      ])
    }))

  it.effect("an empty list: one request", () =>
    Effect.gen(function*() {
      const s = server(() => ({ resources: [], totalResults: 0 }))
      assert.deepStrictEqual(yield* run(s.fetchPage), [])
      assert.strictEqual(s.calls.length, 1)
    }))

  it.effect("a server that ignores startIndex: the first page once, then stops", () =>
    Effect.gen(function*() {
      const data = items(25)
      const s = server((_start, count) => ({ resources: window(data, 1, count), totalResults: 25 }))
      const out = yield* run(s.fetchPage)
      assert.deepStrictEqual(ns(out), range(1, 10))
      assert.deepStrictEqual(s.calls.map((c) => c.startIndex), [1, 11])
    }))

  it.effect("a server that ignores startIndex and returns everything: all once", () =>
    Effect.gen(function*() {
      const data = items(7)
      const s = server(() => ({ resources: data }))
      const out = yield* run(s.fetchPage)
      assert.deepStrictEqual(ns(out), range(1, 7))
      assert.deepStrictEqual(s.calls.map((c) => c.startIndex), [1, 8])
    }))

  it.effect("a server that repeats the last page forever past the end", () =>
    Effect.gen(function*() {
      const data = items(23)
      const s = server((start, count) => ({
        resources: start > 23 ? window(data, 21, count) : window(data, start, count),
        totalResults: 23
      }))
      const out = yield* run(s.fetchPage)
      assert.deepStrictEqual(ns(out), range(1, 23))
      assert.deepStrictEqual(s.calls.map((c) => c.startIndex), [1, 11, 21, 24])
    }))

  it.effect("a server that returns page 1 past the end (SCIMMY)", () =>
    Effect.gen(function*() {
      const data = items(20)
      const s = server((start, count) => ({
        resources: start > 20 ? window(data, 1, count) : window(data, start, count)
      }))
      const out = yield* run(s.fetchPage)
      assert.deepStrictEqual(ns(out), range(1, 20))
      assert.strictEqual(s.calls.length, 3)
    }))

  for (
    const [label, total] of [["the page size", 10], ["0", 0], ["a huge number", 1_000_000], [
      "absent",
      undefined
    ]] as const
  ) {
    it.effect(`a server that reports totalResults as ${label}`, () =>
      Effect.gen(function*() {
        const data = items(35)
        const s = server((start, count) => ({
          resources: window(data, start, count),
          totalResults: total,
          itemsPerPage: count,
          startIndex: 1
        }))
        const out = yield* run(s.fetchPage)
        assert.deepStrictEqual(ns(out), range(1, 35))
        assert.deepStrictEqual(s.calls.map((c) => c.startIndex), [1, 11, 21, 31, 36])
      }))
  }

  it.effect("a server that returns short pages mid-list (a silent count cap)", () =>
    Effect.gen(function*() {
      const data = items(20)
      const s = server((start) => ({ resources: window(data, start, 3), totalResults: 20 }))
      const out = yield* run(s.fetchPage, { pageSize: 10 })
      assert.deepStrictEqual(ns(out), range(1, 20))
      assert.isTrue(s.calls.every((c) => c.count === 10))
      assert.deepStrictEqual(s.calls.map((c) => c.startIndex), [1, 4, 7, 10, 13, 16, 19, 21])
    }))

  it.effect("a server that returns pages of varying, short sizes", () =>
    Effect.gen(function*() {
      const data = items(30)
      const sizes = [10, 1, 7, 2, 10, 4]
      const s = server((start, count, call) => ({
        resources: window(data, start, Math.min(count, sizes[(call - 1) % sizes.length]!)),
        totalResults: 30
      }))
      const out = yield* run(s.fetchPage)
      assert.deepStrictEqual(ns(out), range(1, 30))
      assert.deepStrictEqual(s.calls.map((c) => c.startIndex), [1, 11, 12, 19, 21, 31])
    }))

  it.effect("a server that silently drops some resources in a window (product-is#27973)", () =>
    Effect.gen(function*() {
      // The server lists 30 users but hides #4 and #15 (no scimId): windows come back short and
      // advancing by the received count overlaps the next window by the hidden count.
      const data = items(30)
      const hidden = new Set([4, 15])
      const s = server((start, count) => ({
        resources: window(data, start, count).filter((a) => !hidden.has(a.n)),
        totalResults: 30
      }))
      const out = yield* run(s.fetchPage)
      assert.deepStrictEqual(ns(out), range(1, 30).filter((n) => !hidden.has(n)))
      assert.strictEqual(new Set(out.map((a) => a.id)).size, out.length)
      assert.deepStrictEqual(s.calls.map((c) => c.startIndex), [1, 10, 19, 29, 31])
    }))

  it.effect("a server that returns overlapping pages", () =>
    Effect.gen(function*() {
      const data = items(25)
      // Each page starts 3 before the asked startIndex.
      const s = server((start, count) => ({ resources: window(data, start <= 1 ? 1 : start - 3, count) }))
      const out = yield* run(s.fetchPage)
      assert.deepStrictEqual(ns(out), range(1, 25))
      assert.strictEqual(new Set(out.map((a) => a.id)).size, 25)
      // 1..10, 8..17, 18..25, then 26..: empty -> end.
      assert.deepStrictEqual(s.calls.map((c) => c.startIndex), [1, 11, 21, 29])
    }))

  it.effect("duplicates inside one page are emitted once", () =>
    Effect.gen(function*() {
      const data = items(4)
      const s = server((start) =>
        start === 1 ? { resources: [data[0]!, data[1]!, data[0]!, data[2]!] } : { resources: [] }
      )
      const out = yield* run(s.fetchPage)
      assert.deepStrictEqual(ns(out), [1, 2, 3])
      assert.deepStrictEqual(s.calls.map((c) => c.startIndex), [1, 5])
    }))

  it.effect("absent Resources ends the list (through decodeListResponse)", () =>
    Effect.gen(function*() {
      const data = items(12)
      const s = server((start, count) => {
        const page = window(data, start, count)
        const body: unknown = page.length === 0
          ? { schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], totalResults: "12", startIndex: start }
          : { totalResults: 12, startIndex: String(start), itemsPerPage: page.length, Resources: page }
        return Either.getOrThrow(Paging.decodeListResponse(body)) as Paging.Page<Item>
      })
      const out = yield* run(s.fetchPage)
      assert.deepStrictEqual(ns(out), range(1, 12))
      assert.deepStrictEqual(s.calls.map((c) => c.startIndex), [1, 11, 13])
    }))

  it.effect("resources without an id are emitted as they come", () =>
    Effect.gen(function*() {
      const data: ReadonlyArray<Item> = range(1, 15).map((n) => n % 5 === 0 ? { n } : { id: `u${n}`, n })
      const s = server((start, count) => ({ resources: window(data, start, count) }))
      const out = yield* run(s.fetchPage)
      assert.deepStrictEqual(ns(out), range(1, 15))
      assert.strictEqual(s.calls.length, 3)
    }))

  it.effect("a repeated page drops its id-less resources with it", () =>
    Effect.gen(function*() {
      const page: ReadonlyArray<Item> = [{ id: "a", n: 1 }, { n: 2 }]
      const s = server(() => ({ resources: page }))
      const out = yield* run(s.fetchPage)
      assert.deepStrictEqual(ns(out), [1, 2])
      assert.strictEqual(s.calls.length, 2)
    }))

  it.effect("a server that returns new ids forever: PagingAborted at the cap", () =>
    Effect.gen(function*() {
      const s = server((start, count) => ({ resources: items(count, `p${start}-`), totalResults: 5 }))
      const error = yield* Effect.flip(run(s.fetchPage, { pageSize: 5, maxRequests: 4 }))
      assert.instanceOf(error, PagingAborted)
      assert.strictEqual(error._tag, "PagingAborted")
      assert.strictEqual(error.path, "/Users")
      assert.strictEqual(error.requests, 4)
      assert.strictEqual(error.resources, 20)
      assert.strictEqual(s.calls.length, 4)
      assert.deepStrictEqual(s.calls.map((c) => c.startIndex), [1, 6, 11, 16])
    }))

  it.effect("resources before the cap are streamed before PagingAborted", () =>
    Effect.gen(function*() {
      const s = server((start, count) => ({ resources: items(count, `p${start}-`) }))
      const seen: Array<string> = []
      const exit = yield* Paging.stream({
        path: "/Groups",
        pageSize: 2,
        maxRequests: 3,
        fetchPage: s.fetchPage,
        idOf: (a) => a.id
      }).pipe(Stream.runForEach((a) => Effect.sync(() => seen.push(a.id!))), Effect.exit)
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(seen.length, 6)
    }))

  it.effect("ending on the last allowed request is not an abort", () =>
    Effect.gen(function*() {
      const data = items(20)
      const s = server((start, count) => ({ resources: window(data, start, count) }))
      const out = yield* run(s.fetchPage, { maxRequests: 3 })
      assert.strictEqual(out.length, 20)
      assert.strictEqual(s.calls.length, 3)
    }))

  it.effect("a fetch failure is passed through", () =>
    Effect.gen(function*() {
      class Boom extends Data.TaggedError("Boom")<{ readonly at: number }> {}
      const data = items(30)
      const error = yield* Paging.stream({
        path: "/Users",
        pageSize: 10,
        maxRequests: 10,
        fetchPage: (start, count) =>
          start > 11 ? Effect.fail(new Boom({ at: start })) : Effect.succeed({ resources: window(data, start, count) }),
        idOf: (a: Item) => a.id
      }).pipe(Stream.runCollect, Effect.flip)
      assert.strictEqual(error._tag, "Boom")
      assert.deepStrictEqual(error, new Boom({ at: 21 }))
    }))

  it.effect("pulls lazily: taking a few resources makes only the requests needed", () =>
    Effect.gen(function*() {
      const data = items(100)
      const s = server((start, count) => ({ resources: window(data, start, count) }))
      const out = yield* Paging.stream({
        path: "/Users",
        pageSize: 10,
        maxRequests: 100,
        fetchPage: s.fetchPage,
        idOf: (a) => a.id
      })
        .pipe(Stream.take(15), Stream.runCollect)
      assert.strictEqual(Chunk.size(out), 15)
      assert.strictEqual(s.calls.length, 2)
    }))

  it.effect("every run starts afresh", () =>
    Effect.gen(function*() {
      const data = items(12)
      const s = server((start, count) => ({ resources: window(data, start, count) }))
      const stream = Paging.stream({
        path: "/Users",
        pageSize: 10,
        maxRequests: 5,
        fetchPage: s.fetchPage,
        idOf: (a) => a.id
      })
      const first = yield* Stream.runCollect(stream)
      const second = yield* Stream.runCollect(stream)
      assert.strictEqual(Chunk.size(first), 12)
      assert.strictEqual(Chunk.size(second), 12)
      assert.deepStrictEqual(s.calls.map((c) => c.startIndex), [1, 11, 13, 1, 11, 13])
    }))

  it.effect("dies on a pageSize or maxRequests that is not a positive integer", () =>
    Effect.gen(function*() {
      for (const [pageSize, maxRequests] of [[0, 1], [1.5, 1], [10, 0], [10, Number.POSITIVE_INFINITY]] as const) {
        const exit = yield* Paging.stream({
          path: "/Users",
          pageSize,
          maxRequests,
          fetchPage: () => Effect.succeed({ resources: [] }),
          idOf: () => undefined
        }).pipe(Stream.runCollect, Effect.exit)
        assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause), `${pageSize} ${maxRequests}`)
      }
    }))
})

describe("Paging.decodeListResponse", () => {
  it("reads a full ListResponse", () => {
    const page = Either.getOrThrow(Paging.decodeListResponse({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults: 2,
      startIndex: 1,
      itemsPerPage: 2,
      Resources: [{ id: "a" }, { id: "b" }]
    }))
    assert.deepStrictEqual(page, {
      resources: [{ id: "a" }, { id: "b" }],
      totalResults: 2,
      startIndex: 1,
      itemsPerPage: 2
    })
  })

  it("tolerates absent Resources and numeric strings", () => {
    const page = Either.getOrThrow(Paging.decodeListResponse({ totalResults: "0", startIndex: " 1 " }))
    assert.deepStrictEqual(page.resources, [])
    assert.strictEqual(page.totalResults, 0)
    assert.strictEqual(page.startIndex, 1)
    assert.strictEqual(page.itemsPerPage, undefined)
    assert.deepStrictEqual(Either.getOrThrow(Paging.decodeListResponse({ Resources: null })).resources, [])
    assert.deepStrictEqual(Either.getOrThrow(Paging.decodeListResponse({ resources: [1] })).resources, [1])
  })

  it("reads unusable counts as absent", () => {
    const page = Either.getOrThrow(
      Paging.decodeListResponse({ Resources: [], totalResults: "many", startIndex: null, itemsPerPage: "" })
    )
    assert.strictEqual(page.totalResults, undefined)
    assert.strictEqual(page.startIndex, undefined)
    assert.strictEqual(page.itemsPerPage, undefined)
  })

  it("fails on a body that is not an object, or Resources that is not an array", () => {
    for (const raw of [null, "x", 1, [], undefined]) {
      const result = Paging.decodeListResponse(raw)
      assert.isTrue(Either.isLeft(result))
      assert.match(Either.isLeft(result) ? result.left : "", /not a JSON object/)
    }
    const result = Paging.decodeListResponse({ Resources: { id: "a" } })
    assert.isTrue(Either.isLeft(result))
    assert.match(Either.isLeft(result) ? result.left : "", /Resources is not an array/)
  })
})
