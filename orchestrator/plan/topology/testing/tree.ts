/** Hand-made topologies for the tests: the runtime's helper, which its own path-metric tests use too. */
export { tree, type NodeSpec } from "../../../../runtime/testing/topology-tree.ts";
