#!/usr/bin/env node
/**
 * Starts the emulator on a real port: `node packages/testkit/dist/bin.js [--port 8790] [--org acme]`.
 *
 * @since 0.1.0
 */
import { main } from "./EmulatorServer.js"

main()
