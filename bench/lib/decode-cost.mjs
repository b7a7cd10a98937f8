// Scenario 8: the CPU of decoding one user as the client does (`Tolerant`: unknown keys kept),
// against `Schema.decodeUnknownEither(User, { onExcessProperty: "preserve" })` (before), the
// same schema with the default options (the reference: the same value, because every
// struct of `User` has its own `string → unknown` index signature) and the known fields alone (a
// copy of the schema without those index signatures: unknown keys dropped, not the same value).
// Same body, alternating variants, `rounds` rounds of `n` decodes each; best round per variant.
import * as Tolerant from "@asgardeo-scim/core/Tolerant"
import * as User from "@asgardeo-scim/directory/User"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { deepStrictEqual } from "node:assert"
import { report } from "./util.mjs"

const n = Number(process.argv[2] ?? 50_000)
const rounds = Number(process.argv[3] ?? 7)

// A user as Asgardeo answers it, with unknown keys at the top level and in the extensions.
const body = {
  schemas: [User.CoreUrn, User.EnterpriseUrn, User.Wso2Urn],
  id: "3f1c2a9e-6b7d-4c1e-9a52-0d4e8b7f6a11",
  userName: "DEFAULT/kim.lee@example.com",
  name: { givenName: "Kim", familyName: "Lee", formatted: "Kim Lee" },
  displayName: "Kim Lee",
  emails: [{ value: "kim.lee@example.com", primary: true, type: "work" }, "kim@home.example"],
  phoneNumbers: [{ value: "+15555550100", type: "mobile" }],
  active: true,
  groups: [{ value: "g1", display: "DEFAULT/engineering", $ref: "https://x/Groups/g1" }],
  roles: [{ value: "r1", display: "everyone" }],
  meta: {
    resourceType: "User",
    created: "2024-01-01T00:00:00Z",
    lastModified: "2024-01-01T00:00:00Z",
    location: "https://x/Users/3f1c",
    version: "W/\"1\""
  },
  [User.EnterpriseUrn]: { employeeNumber: "E1", department: "R&D", manager: { value: "m1" } },
  [User.Wso2Urn]: { accountLocked: "false", askPassword: "false", lastLogonTime: "1700000000" },
  [User.CustomUrn]: { shoeSize: 42 },
  "urn:acme:badge": { number: 7 }
}

const withoutRest = (ast) => {
  switch (ast._tag) {
    case "TypeLiteral":
      return new AST.TypeLiteral(
        ast.propertySignatures.map((p) =>
          new AST.PropertySignature(p.name, withoutRest(p.type), p.isOptional, p.isReadonly, p.annotations)
        ),
        ast.indexSignatures.filter((s) => !(s.parameter._tag === "StringKeyword" && s.type._tag === "UnknownKeyword")),
        ast.annotations
      )
    case "Union":
      return AST.Union.make(ast.types.map(withoutRest), ast.annotations)
    case "TupleType":
      return new AST.TupleType(
        ast.elements.map((e) => new AST.OptionalType(withoutRest(e.type), e.isOptional, e.annotations)),
        ast.rest.map((r) => new AST.Type(withoutRest(r.type), r.annotations)),
        ast.isReadonly,
        ast.annotations
      )
    case "Transformation":
      return new AST.Transformation(withoutRest(ast.from), withoutRest(ast.to), ast.transformation, ast.annotations)
    case "Refinement":
      return new AST.Refinement(withoutRest(ast.from), ast.filter, ast.annotations)
    default:
      return ast
  }
}

const variants = {
  preserve: Schema.decodeUnknownEither(User.User, { onExcessProperty: "preserve" }),
  tolerant: Tolerant.decodeUnknownEither(User.User),
  plain: Schema.decodeUnknownEither(User.User),
  known: Schema.decodeUnknownEither(Schema.make(withoutRest(User.User.ast)))
}
deepStrictEqual(variants.tolerant(body).right, variants.preserve(body).right)
deepStrictEqual(variants.plain(body).right, variants.preserve(body).right)

const best = {}
for (let round = 0; round < rounds; round++) {
  const names = round % 2 === 0 ? Object.keys(variants) : Object.keys(variants).reverse()
  for (const name of names) {
    const f = variants[name]
    for (let i = 0; i < n / 10; i++) f(body)
    const cpu0 = process.cpuUsage()
    for (let i = 0; i < n; i++) f(body)
    const cpu = process.cpuUsage(cpu0)
    best[name] = Math.min(best[name] ?? Infinity, (cpu.user + cpu.system) / n)
  }
}
report({ n, rounds, micros: best })
