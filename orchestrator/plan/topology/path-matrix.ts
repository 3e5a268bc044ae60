/**
 * The path metrics moved to `runtime/protocol/path-matrix.ts`, where the runtime can use them too; this re-export
 * keeps the Grid'5000 provider's import working until that file, being rewritten as steps, imports them there.
 */
export { pathMatrix } from "../../../runtime/protocol/path-matrix.ts";
