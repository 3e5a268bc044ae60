/**
 * The echo function as a process of its own (the embedded gateway's process mode, the OpenFaaS image): its factory
 * (`handler.ts`) served on `PORT` with the shared function contract. See README.md in this folder.
 */
import { serveStandalone } from "../lib/contract.ts";
import { createFunction } from "./handler.ts";

serveStandalone("echo", createFunction);
