/** The production file system for the batch runner: node's promise API, as `BatchEffects["fs"]`. */
import * as fsPromises from "node:fs/promises";
import type { BatchEffects } from "./types.ts";

const defaultFs: BatchEffects["fs"] = fsPromises;
export default defaultFs;
