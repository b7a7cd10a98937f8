/**
 * A lean `HttpClient` over undici's `request()`, built with `HttpClient.makeWith`: the fastest
 * engine for asgardeo-scim (`UndiciHttpClient.layer`).
 *
 * @since 0.1.0
 */
export * as UndiciHttpClient from "./UndiciHttpClient.js"
