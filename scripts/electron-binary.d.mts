// Types for electron-binary.mjs (plain JavaScript: it runs before anything is built).
export function electronPackage(): { dir: string; version: string };
export function installedElectronBinary(dir?: string, env?: NodeJS.ProcessEnv): string | null;
export function electronDownloadHost(env?: NodeJS.ProcessEnv): string;
