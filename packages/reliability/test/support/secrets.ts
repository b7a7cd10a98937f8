// The cases of Secrets.test.ts: servers and proxies that reflect the request.
import type { CaseInfo } from "./catalog.js"

export const secretsCases: ReadonlyArray<CaseInfo> = [
  {
    id: "secrets.reflected",
    what: "a token endpoint and SCIM endpoints that echo the request (2xx, 4xx, 5xx; text, HTML, JSON)",
    guarantee: "token errors keep the OAuth error and description only; kept bodies are scrubbed of every encoding " +
      "of the secret, the Basic pair, the token and the request's passwords, or withheld"
  }
]
