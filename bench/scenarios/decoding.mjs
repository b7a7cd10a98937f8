// Scenario 8: decoding a user (bench/lib/decode-cost.mjs), in a fresh process.
import { fileURLToPath } from "node:url"
import { nodeCommand, runChild } from "../lib/util.mjs"

export const run = ({ n, rounds }) => {
  const [cmd, args] = nodeCommand(fileURLToPath(new URL("../lib/decode-cost.mjs", import.meta.url)), [
    String(n),
    String(rounds)
  ], 0)
  return runChild(cmd, args)
}
