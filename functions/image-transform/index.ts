/**
 * The image-transform function as a process of its own (the embedded gateway's process mode, the OpenFaaS image):
 * its factory (`handler.ts`) served on `PORT`. See README.md here.
 */
import { serveStandalone } from "../lib/contract.ts";
import { createFunction } from "./handler.ts";

serveStandalone("image-transform", createFunction);
