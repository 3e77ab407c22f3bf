export * from "./bar.js";
export * from "./ids.js";
export * from "./keys.js";
export * from "./parse/index.js";
export * from "./parse/types.js";
export * from "./ports.js";
export * from "./quality/index.js";
export * from "./quality/types.js";
