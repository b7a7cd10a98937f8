// A minimal fixed-response server for scenario 1 (http-overhead.md's method): keep-alive, a
// pre-serialized ~1 KB SCIM user for GET /t/{org}/scim2/Users/{uuid} (with a bearer token), a
// token for POST /t/{org}/oauth2/token (echoing the requested scopes), and /__stats for the
// orchestrator (requests served, server CPU).
import { createServer } from "node:http"

export const userId = "3f1c2a9e-6b7d-4c1e-9a52-0d4e8b7f6a11"
export const token = "fixed-bench-token"

const user = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  id: userId,
  userName: "DEFAULT/kim.lee@example.com",
  name: { givenName: "Kim", familyName: "Lee", formatted: "Kim Lee" },
  displayName: "Kim Lee",
  active: true,
  emails: [{ value: "kim.lee@example.com", primary: true, type: "work" }],
  phoneNumbers: [{ value: "+1 555 0100", type: "work" }],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    employeeNumber: "E-1001",
    department: "Engineering",
    manager: { value: "8a1d3c5e-2f4b-4d6a-8c9e-1b3d5f7a9c0e" }
  },
  groups: [{ value: "7e2b4d6f-8a0c-4e1a-9b3d-5f7a9c1e3b5d", display: "Employees" }],
  meta: {
    resourceType: "User",
    created: "2024-01-15T09:30:00.000Z",
    lastModified: "2024-06-01T12:00:00.000Z",
    location: `https://api.asgardeo.io/t/acme/scim2/Users/${userId}`
  }
}
const userBody = Buffer.from(JSON.stringify(user))

let users = 0
let tokens = 0
let other = 0
let cpu = process.cpuUsage()

const send = (res, status, body, type) => {
  res.writeHead(status, { "content-type": type, "content-length": body.length })
  res.end(body)
}

const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
  const url = req.url ?? ""
  if (req.method === "GET" && url.startsWith("/t/acme/scim2/Users/")) {
    if (req.headers.authorization !== `Bearer ${token}`) {
      other++
      return send(res, 401, Buffer.from("{\"status\":\"401\"}"), "application/scim+json")
    }
    users++
    return send(res, 200, userBody, "application/scim+json")
  }
  if (req.method === "POST" && url === "/t/acme/oauth2/token") {
    let body = ""
    req.on("data", (d) => (body += d))
    req.on("end", () => {
      tokens++
      const scope = new URLSearchParams(body).get("scope") ?? ""
      const json = { access_token: token, token_type: "Bearer", expires_in: 3600, scope }
      send(res, 200, Buffer.from(JSON.stringify(json)), "application/json")
    })
    return
  }
  if (url === "/__stats") {
    const used = process.cpuUsage(cpu)
    const stats = { users, tokens, other, cpuMicros: used.user + used.system }
    users = tokens = other = 0
    cpu = process.cpuUsage()
    return send(res, 200, Buffer.from(JSON.stringify(stats)), "application/json")
  }
  other++
  send(res, 404, Buffer.from("{}"), "application/json")
})
server.keepAliveTimeout = 120_000

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address()
  process.stdout.write(`READY ${JSON.stringify({ baseUrl: `http://127.0.0.1:${port}`, userBytes: userBody.length })}\n`)
})
process.on("SIGTERM", () => process.exit(0))
