// RFC 9865 cursor paging: `Paging.streamCursor`, the ListResponse's `nextCursor` /
// `previousCursor`, and ServiceProviderConfig's `pagination`. The fixtures are written from
// RFC 9865 as recalled without network access (no copy of the RFC was at hand while writing them):
// its ServiceProviderConfig `pagination` example and its ListResponse with `nextCursor`.
import * as Paging from "@asgardeo-scim/core/Paging"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as ServiceProviderConfig from "@asgardeo-scim/core/ServiceProviderConfig"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Chunk, Effect, Either, Exit, Stream } from "effect"

interface Item {
  readonly id?: string
  readonly n: number
}

/** A fake cursor server: `pages[cursor]` answers a request; every cursor asked is recorded. */
const server = (pages: Record<string, Paging.Page<Item> | ScimError.BadRequest>) => {
  const asked: Array<string> = []
  const counts: Array<number> = []
  const fetchPage = (cursor: string, count: number) =>
    Effect.suspend(() => {
      asked.push(cursor)
      counts.push(count)
      const page = pages[cursor]
      if (page === undefined) throw new Error(`no page for cursor ${cursor}`)
      return page instanceof ScimError.BadRequest ? Effect.fail(page) : Effect.succeed(page)
    })
  return { asked, counts, fetchPage }
}

const run = (
  fetchPage: (cursor: string, count: number) => Effect.Effect<Paging.Page<Item>, ScimError.BadRequest>,
  options: { readonly pageSize?: number; readonly maxRequests?: number } = {}
) =>
  Stream.runCollect(Paging.streamCursor({
    path: "/Users",
    pageSize: options.pageSize ?? 2,
    maxRequests: options.maxRequests ?? 100,
    fetchPage,
    idOf: (a) => a.id
  })).pipe(Effect.map((c) => Chunk.toReadonlyArray(c).map((a) => a.n)))

const item = (n: number): Item => ({ id: `u${n}`, n })

describe("Paging.streamCursor", () => {
  it.effect("starts with an empty cursor, follows nextCursor, ends on a page without one", () =>
    Effect.gen(function*() {
      const s = server({
        "": { resources: [item(1), item(2)], nextCursor: "VZUTiy" },
        VZUTiy: { resources: [item(3), item(4)], nextCursor: "YkU3OF", previousCursor: "" },
        YkU3OF: { resources: [item(5)], previousCursor: "VZUTiy" }
      })
      assert.deepStrictEqual(yield* run(s.fetchPage), [1, 2, 3, 4, 5])
      assert.deepStrictEqual(s.asked, ["", "VZUTiy", "YkU3OF"])
      assert.deepStrictEqual(s.counts, [2, 2, 2])
    }))

  it.effect("an empty page with a nextCursor goes on; an empty nextCursor ends", () =>
    Effect.gen(function*() {
      const s = server({
        "": { resources: [], nextCursor: "a" },
        a: { resources: [item(1)], nextCursor: "" }
      })
      assert.deepStrictEqual(yield* run(s.fetchPage), [1])
      assert.deepStrictEqual(s.asked, ["", "a"])
    }))

  it.effect("ids already emitted are dropped; resources without an id are kept", () =>
    Effect.gen(function*() {
      const s = server({
        "": { resources: [item(1), item(2)], nextCursor: "a" },
        a: { resources: [item(2), { n: 9 }, item(3)] }
      })
      assert.deepStrictEqual(yield* run(s.fetchPage), [1, 2, 9, 3])
    }))

  it.effect("a cursor handed back twice fails with PagingAborted instead of looping", () =>
    Effect.gen(function*() {
      const s = server({
        "": { resources: [item(1)], nextCursor: "a" },
        a: { resources: [item(2)], nextCursor: "b" },
        b: { resources: [item(3)], nextCursor: "a" }
      })
      const error = yield* Effect.flip(run(s.fetchPage))
      assert.strictEqual(error._tag, "PagingAborted")
      if (error._tag === "PagingAborted") {
        assert.strictEqual(error.requests, 3)
        assert.strictEqual(error.resources, 3)
        assert.include(error.reason, "already followed")
      }
      assert.deepStrictEqual(s.asked, ["", "a", "b"])
    }))

  it.effect("a last page short of the reported total (a server that ignores cursors): PagingAborted, no silent cut", () =>
    Effect.gen(function*() {
      const s = server({ "": { resources: [item(1), item(2)], totalResults: 5 } })
      const error = yield* Effect.flip(run(s.fetchPage))
      assert.strictEqual(error._tag, "PagingAborted")
      assert.include(error._tag === "PagingAborted" ? error.reason : "", "2 of its 5")
    }))

  it.effect("a user created during the stream (a later page reports a larger total) is no reason to abort", () =>
    Effect.gen(function*() {
      const s = server({
        "": { resources: [item(1), item(2)], totalResults: 3, nextCursor: "c2" },
        c2: { resources: [item(3)], totalResults: 4 }
      })
      assert.deepStrictEqual(yield* run(s.fetchPage), [1, 2, 3])
    }))

  it.effect("fresh cursors on the same page: PagingAborted after three pages of nothing new", () =>
    Effect.gen(function*() {
      let n = 0
      const fetchPage = () => Effect.succeed<Paging.Page<Item>>({ resources: [item(1)], nextCursor: `c${++n}` })
      const error = yield* Effect.flip(run(fetchPage))
      assert.strictEqual(error._tag, "PagingAborted")
      assert.include(error._tag === "PagingAborted" ? error.reason : "", "no new resource")
      assert.strictEqual(n, 4)
    }))

  it("a cursor from the server that cannot be sent back is the server's fault (decodeListResponse)", () => {
    for (const bad of ["a\r\nb", "a\u0001", "x".repeat(Paging.maxCursorLength + 1)]) {
      const decoded = Paging.decodeListResponse({ Resources: [], nextCursor: bad })
      assert.isTrue(Either.isLeft(decoded), JSON.stringify(bad.slice(0, 10)))
    }
    assert.isTrue(Either.isRight(Paging.decodeListResponse({ Resources: [], nextCursor: "VZUTiy" })))
  })

  it.effect("a server that hands back the empty first cursor as next is caught too", () =>
    Effect.gen(function*() {
      const s = server({ "": { resources: [item(1)], nextCursor: "" } })
      // An empty nextCursor is the end (not a loop to the first page).
      assert.deepStrictEqual(yield* run(s.fetchPage), [1])
    }))

  it.effect("the request cap fails with PagingAborted", () =>
    Effect.gen(function*() {
      let n = 0
      const endless = (cursor: string) =>
        Effect.sync((): Paging.Page<Item> => {
          n++
          return { resources: [item(n)], nextCursor: `${cursor}x` }
        })
      const error = yield* Effect.flip(run(endless, { maxRequests: 4 }))
      assert.strictEqual(error._tag, "PagingAborted")
      if (error._tag === "PagingAborted") {
        assert.strictEqual(error.requests, 4)
        assert.include(error.reason, "nextCursor after 4 requests")
      }
      assert.strictEqual(n, 4)
    }))

  it.effect("an expired cursor mid-stream fails the stream with that error: no restart from the first page", () =>
    Effect.gen(function*() {
      const expired = new ScimError.BadRequest({
        method: "GET",
        path: "/Users",
        status: 400,
        scimType: "expiredCursor",
        detail: "cursor expired"
      })
      const s = server({ "": { resources: [item(1)], nextCursor: "a" }, a: expired })
      const exit = yield* Effect.exit(run(s.fetchPage))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const failure = Cause.failureOption(exit.cause)
        assert.strictEqual(failure._tag === "Some" ? failure.value : undefined, expired)
      }
      assert.deepStrictEqual(s.asked, ["", "a"])
    }))

  it.effect("dies on a page size or request cap that is not a positive integer", () =>
    Effect.gen(function*() {
      const s = server({ "": { resources: [] } })
      for (const options of [{ pageSize: 0 }, { maxRequests: 1.5 }]) {
        const exit = yield* Effect.exit(run(s.fetchPage, options))
        assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause))
      }
      assert.deepStrictEqual(s.asked, [])
    }))
})

describe("ListResponse cursors", () => {
  it("nextCursor and previousCursor are read; empty or non-string ones are absent", () => {
    // RFC 9865's ListResponse shape: the cursor fields next to the usual ones.
    const page = Paging.decodeListResponse({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults: 100,
      itemsPerPage: 1,
      previousCursor: "ze7L30kMiiLX6x",
      nextCursor: "YkU3OF86Pz0rGv",
      Resources: [{ id: "2819c223-7f76-453a-919d-413861904646", userName: "bjensen" }]
    })
    assert.isTrue(Either.isRight(page))
    if (Either.isRight(page)) {
      assert.strictEqual(page.right.nextCursor, "YkU3OF86Pz0rGv")
      assert.strictEqual(page.right.previousCursor, "ze7L30kMiiLX6x")
      assert.isUndefined(page.right.startIndex)
    }
    const odd = Paging.decodeListResponse({ Resources: [], nextCursor: "", previousCursor: 7 })
    assert.isTrue(Either.isRight(odd) && odd.right.nextCursor === undefined && odd.right.previousCursor === undefined)
  })
})

describe("ServiceProviderConfig pagination", () => {
  it("RFC 9865's pagination object is decoded", () => {
    const pagination = {
      cursor: true,
      index: true,
      defaultPaginationMethod: "cursor" as const,
      defaultPageSize: 100,
      maxPageSize: 250,
      cursorTimeout: 3600
    }
    const spc = ServiceProviderConfig.decode({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
      pagination
    })
    assert.deepStrictEqual(spc.pagination, pagination)
  })

  it("tolerant: strings for booleans and numbers, any case; nonsense reads as absent", () => {
    const spc = ServiceProviderConfig.decode({
      pagination: {
        cursor: "TRUE",
        index: "false",
        defaultPaginationMethod: "Index",
        maxPageSize: "50",
        defaultPageSize: -1,
        cursorTimeout: "soon"
      }
    })
    assert.deepStrictEqual(spc.pagination, {
      cursor: true,
      index: false,
      defaultPaginationMethod: "index",
      defaultPageSize: undefined,
      maxPageSize: 50,
      cursorTimeout: undefined
    })
  })

  it("absent (RFC 7644 servers, none): index paging only", () => {
    for (const spc of [ServiceProviderConfig.decode({ sort: { supported: true } }), ServiceProviderConfig.none]) {
      assert.isFalse(spc.pagination.cursor)
      assert.isTrue(spc.pagination.index)
      assert.isUndefined(spc.pagination.defaultPaginationMethod)
    }
  })
})
