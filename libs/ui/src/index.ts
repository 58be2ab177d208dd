export * from "./button.tsx";
export * from "./states.tsx";
export * from "./layout-bits.tsx";
export * from "./form.tsx";
export * from "./modal.tsx";
export * from "./app-shell.tsx";
export * from "./format.ts";
