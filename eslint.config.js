// One lint config for the whole repository: ESLint's recommended rules plus typescript-eslint's.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

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
  // Code that runs in the browser: the report's components and the live page.
  {
    files: ["notebooks/src/**/*.js", "notebooks/live/**/*.js"],
    languageOptions: { globals: { ...globals.browser } },
  },
);
