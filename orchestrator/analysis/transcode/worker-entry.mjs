// Starts worker.ts in a worker thread. A worker inherits the parent's loader flags when the parent was started with
// tsx (`npx tsx`, `node --import tsx`); under a test runner it is not, so tsx's loader is registered here and the
// module imported again under another URL (a failed import is cached for its URL).
try {
  await import("./worker.ts");
} catch (err) {
  if (err?.code !== "ERR_UNKNOWN_FILE_EXTENSION") throw err;
  const { register } = await import("tsx/esm/api");
  register();
  await import("./worker.ts?with-tsx");
}
