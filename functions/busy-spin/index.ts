/**
 * The busy-spin function as a process of its own (the embedded gateway's process mode, the OpenFaaS image): its
 * factory (`handler.ts`) configured from `process.env`, served on `PORT`. See README.md here.
 */
import { serveStandalone } from "../lib/contract.ts";
import { createFunction } from "./handler.ts";

serveStandalone("busy-spin", createFunction);
