// arquero for the pages, from its own browser build. The package entry (`import * as aq from "arquero"`) bundles
// offline but does not load: Framework 1.13.4 bundles node_modules with rollup, and its esbuild plugin resolves
// arquero's file loaders without the package's "browser" map, so the bundle keeps `import "node:fs/promises"`,
// which no browser resolves (every cell that imports it fails). dist/arquero.min.js is arquero's UMD build with
// flechette and acorn inside and no Node import; Framework bundles it from node_modules as one module.
import aq from "arquero/dist/arquero.min.js";

/** arquero's namespace (`aq.from`, `aq.escape` …) and its functions for expressions (`op.sum` …). */
export { aq };
export const { op } = aq;
