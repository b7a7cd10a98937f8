// The emulator's own safety cases (both faces): what a hostile or broken client sends it, and the
// refusal to listen publicly with the well-known default secret. Observed by Emulator.test.ts.
import type { CaseInfo } from "./catalog.js"

export const emulatorCases: ReadonlyArray<CaseInfo> = [
  {
    id: "emulator.body-too-large",
    what: "request bodies over maxBodyBytes (1 MiB + 1 in process; 200 MB streamed and 200 MB declared to the server)",
    guarantee:
      "body limit (default 1 MiB): Content-Length checked first, bytes counted while streaming, reading stops at the limit"
  },
  {
    id: "emulator.bad-json",
    what:
      "bodies that are not JSON: truncated, empty, HTML, invalid UTF-8 (on every body-reading endpoint, both faces)",
    guarantee: "strict UTF-8 decoding, then JSON.parse; 400 invalidSyntax"
  },
  {
    id: "emulator.deep-json",
    what: "JSON nested 65 to 100,000 levels deep (RangeError in any recursive walk)",
    guarantee: "nesting depth checked (at most 64) before JSON.parse; 400 invalidSyntax"
  },
  {
    id: "emulator.public-bind-default-secret",
    what: "EmulatorServer on 0.0.0.0, ::, an empty host or a LAN address with the default app secret",
    guarantee: "EmulatorServer.make: BindRefused before binding, unless every app has a secret of its own"
  }
]
