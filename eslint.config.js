// One lint config for the whole repository: ESLint's recommended rules plus typescript-eslint's.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * The import rules, from the widest files to the narrowest: each is a regular expression on the import specifier
 * and the sentence ESLint prints. They apply to production files (tests may reach across, to build fixtures).
 */
const ARROWS = [
  [
    "**/*.{ts,mjs,js}",
    "^\\.\\.(/\\.\\.)*/.*(?<!util/)cli\\.ts$",
    "Import the module that holds the logic or the constant, not another folder's command-line entry point.",
  ],
  [
    "runtime/**/*.ts",
    "(^|/)(orchestrator|notebooks|bench|experiments)/",
    "The runtime must not import the toolkit around it.",
  ],
  [
    "runtime/market/**/*.ts",
    "^\\.\\./node/",
    "The market must not import the node: share through protocol/, http/ or in-process/.",
  ],
  [
    "runtime/node/**/*.ts",
    "^\\.\\./market/",
    "The node must not import the market: share through protocol/, http/ or in-process/.",
  ],
  [
    "runtime/{protocol,util,http,in-process,events}/**/*.ts",
    "^\\.\\./(market|node|launcher|faas|proxy|iot|strategies)/",
    "The lower layers (protocol, util, http, in-process, events) must not import the services above them.",
  ],
];

export default tseslint.config(
  // AssemblyScript (compiled by asc, not tsc): its own types (i32, load<u8>) and rules
  { ignores: ["node_modules/", "metrics-arks/", "**/dist/", "**/.observablehq/", "**/*.as.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  // Arrows that run one way (runtime/README.md): the runtime never reaches up into the toolkit around it; the
  // market and the nodes share only the layers below them (protocol, util, the http and in-process transports);
  // and no module imports another folder's command-line entry point (shared constants live where both can reach).
  ...oneWay(),
  // Code that runs in the browser: the report's components and the live page.
  {
    files: ["notebooks/src/**/*.js", "notebooks/live/**/*.js"],
    languageOptions: { globals: { ...globals.browser } },
  },
);

/**
 * One `no-restricted-imports` block per glob of {@link ARROWS}. ESLint keeps only the last options of a rule for a
 * file, so each block repeats the rules of the globs that contain it: the first holds every file, the second the
 * runtime, and each later one a part of the runtime.
 */
function oneWay() {
  return ARROWS.map(([files], i) => ({
    files: [files],
    ignores: ["**/*.test.ts", "**/testing/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          // the widest rule, the runtime-wide rule, then the glob's own
          patterns: [...new Set([0, Math.min(i, 1), i])]
            .map((k) => ARROWS[k])
            .map(([, regex, message]) => ({ regex, message })),
        },
      ],
    },
  }));
}
