/**
 * The former name of the `ScimConfig` module, kept as an alias: the same tag, types and
 * functions. The configuration has served generic RFC 7644 servers too since 0.1.0; new code
 * imports `ScimConfig`.
 *
 * @since 0.1.0
 */
export * from "./ScimConfig.js"

export {
  /**
   * The configuration's tag under its former name: the same tag as `ScimConfig.ScimConfig`.
   *
   * @since 0.1.0
   * @category tags
   */
  ScimConfig as AsgardeoConfig
} from "./ScimConfig.js"
