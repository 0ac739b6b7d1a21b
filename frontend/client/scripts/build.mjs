#!/usr/bin/env node
// build.mjs: compile src/ into dist/ (ES modules, .d.ts, source maps) with the pinned TypeScript (npm run build).
// tsc does not copy a hand-placed declaration file, so the generated src/schema.d.ts is copied beside the
// output that imports it.
import { copyFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
rmSync(join(root, "dist"), { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.json")], { stdio: "inherit" });
if (result.status !== 0) process.exit(result.status ?? 1);
copyFileSync(join(root, "src/schema.d.ts"), join(root, "dist/schema.d.ts"));
