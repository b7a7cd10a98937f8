/**
 * The raw resource commands, as python's scim2-cli has them: `get`, `create`, `replace`,
 * `patch`, `delete` and `search` on an endpoint (`/Users`, `/Groups`, or any endpoint the server
 * lists in `/ResourceTypes`), with JSON from a file or stdin (`-`) and JSON on stdout. The input
 * is checked before anything is sent: a file that is not JSON, a body that is not an object, PATCH
 * operations that are not valid (core's `Patch.decodeOperations`) or a SearchRequest with unknown
 * attributes is a usage error (exit code 2). The handlers load on first use.
 *
 * @since 0.3.0
 */
import * as Args from "@effect/cli/Args"
import * as Options from "@effect/cli/Options"
import * as Flags from "./Flags.js"
import * as Subcommand from "./internal/subcommand.js"

const make = Subcommand.lazy(() => import("./internal/raw.js"))

const endpoint = Args.text({ name: "endpoint" }).pipe(
  Args.withDescription("The endpoint: /Users, /Groups, or any endpoint the server's /ResourceTypes lists")
)
const id = Args.text({ name: "id" }).pipe(Args.withDescription("The resource id"))
const data = (what: string) => Subcommand.jsonInput("data", `${what}: a JSON file, or - for stdin`)
const attributeList = (name: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(description), Options.optional)

const get = make(
  "get",
  "Show one resource as JSON",
  {
    ...Flags.connection,
    attributes: attributeList("attributes", "Only these attributes, comma-separated"),
    excludedAttributes: attributeList("excluded-attributes", "All but these attributes, comma-separated"),
    endpoint,
    id
  },
  (m, args) => m.get(args)
)

const create = make(
  "create",
  "Create a resource from JSON (POST)",
  { ...Flags.connection, data: data("The resource"), endpoint },
  (m, args) => m.create(args)
)

const replace = make(
  "replace",
  "Replace a resource with JSON (PUT)",
  { ...Flags.connection, data: data("The whole resource"), endpoint, id },
  (m, args) => m.replace(args)
)

const patch = make(
  "patch",
  "Apply PATCH operations (a JSON array of operations, or a PatchOp message)",
  { ...Flags.connection, data: data("The operations"), endpoint, id },
  (m, args) => m.patch(args)
)

const del = make(
  "delete",
  "Delete a resource",
  { ...Flags.connection, endpoint, id },
  (m, args) => m.del(args)
)

const search = make(
  "search",
  "Search an endpoint (POST .search) and print the ListResponse",
  {
    ...Flags.connection,
    data: Options.text("data").pipe(
      Options.withDescription(
        "A SearchRequest (filter, startIndex, count, attributes, ...): a JSON file, or - for stdin"
      ),
      Options.optional
    ),
    filter: Subcommand.filter("A SCIM filter (overrides the SearchRequest's)"),
    count: Options.integer("count").pipe(Options.withDescription("Page size"), Options.optional),
    startIndex: Options.integer("start-index").pipe(
      Options.withDescription("1-based index of the first result"),
      Options.optional
    ),
    endpoint
  },
  (m, args) => m.search(args)
)

/**
 * The raw resource commands, in the order help lists them.
 *
 * @since 0.3.0
 * @category commands
 */
export const commands = [get, search, create, replace, patch, del] as const
