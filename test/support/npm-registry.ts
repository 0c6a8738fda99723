/**
 * A local stand-in for the npm registry (loopback only): serves packages made with `npm pack` so that
 * `npm install -g NAME` and `npx NAME` can be tested the way users run them, without the network.
 * The dependencies it serves are packed from this project's node_modules, so they are the versions
 * the project installs and tests.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';

export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface PackedPackage {
  name: string;
  version: string;
  file: string;
  integrity: string;
  shasum: string;
  manifest: Record<string, unknown>;
}

/** The environment npm runs with in tests: no npm settings inherited from an outer npm run. */
export function cleanNpmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(config|package|lifecycle)_/i.test(key)));
  return { ...env, ...extra };
}

export function runNpm(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(NPM, args, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024, shell: process.platform === 'win32' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code) || 1 : 0, stdout, stderr }),
    );
  });
}

/** `npm pack` of package folders into `destination`; their scripts (prepack) run only when asked. */
export async function packFolders(folders: string[], destination: string, env: NodeJS.ProcessEnv, options: { runScripts?: boolean } = {}): Promise<PackedPackage[]> {
  const scripts = options.runScripts ? [] : ['--ignore-scripts'];
  const pack = await runNpm(['pack', '--json', ...scripts, '--pack-destination', destination, ...folders], { cwd: destination, env });
  if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const packed = JSON.parse(pack.stdout) as Array<{ name: string; version: string; filename: string; integrity: string; shasum: string }>;
  return Promise.all(
    packed.map(async (info, i) => ({
      name: info.name,
      version: info.version,
      file: path.join(destination, info.filename),
      integrity: info.integrity,
      shasum: info.shasum,
      manifest: JSON.parse(await readFile(path.join(folders[i]!, 'package.json'), 'utf8')) as Record<string, unknown>,
    })),
  );
}

/**
 * The installed folders of `names` and everything they need (dependencies, and the optional ones
 * that are installed here), found the way Node finds them from `root`.
 */
export async function installedDependencyFolders(root: string, names: string[]): Promise<string[]> {
  const found = new Set<string>();
  const locate = (from: string, name: string): string | null => {
    for (let dir = from; ; dir = path.dirname(dir)) {
      if (path.basename(dir) !== 'node_modules') {
        const candidate = path.join(dir, 'node_modules', name);
        if (existsSync(path.join(candidate, 'package.json'))) return candidate;
      }
      if (dir === root || path.dirname(dir) === dir) return null;
    }
  };
  const visit = async (from: string, name: string, optional: boolean): Promise<void> => {
    const folder = locate(from, name);
    if (!folder) {
      if (optional) return;
      throw new Error(`${name} is not installed (needed from ${from}): run npm ci`);
    }
    if (found.has(folder)) return;
    found.add(folder);
    const manifest = JSON.parse(await readFile(path.join(folder, 'package.json'), 'utf8')) as { dependencies?: object; optionalDependencies?: object };
    for (const dep of Object.keys(manifest.dependencies ?? {})) await visit(folder, dep, Object.hasOwn(manifest.optionalDependencies ?? {}, dep));
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) await visit(folder, dep, true);
  };
  for (const name of names) await visit(root, name, false);
  return [...found];
}

export interface LocalRegistry {
  url: string;
  /** Paths asked for, in order. */
  requests: string[];
  stop(): Promise<void>;
}

/** Serves each package's metadata at /NAME (scoped: /@scope%2fname) and its tarball at /-/FILE. */
export async function startLocalRegistry(packages: PackedPackage[]): Promise<LocalRegistry> {
  const requests: string[] = [];
  let url = '';
  const byName = new Map(packages.map((p) => [p.name, p]));
  const byFile = new Map(packages.map((p) => [path.basename(p.file), p]));
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://registry').pathname);
    requests.push(pathname);
    if (pathname.startsWith('/-/')) {
      const pkg = byFile.get(pathname.slice(3));
      if (!pkg) return void res.writeHead(404).end();
      void readFile(pkg.file).then((body) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body));
      return;
    }
    const pkg = byName.get(pathname.slice(1));
    if (!pkg) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    const version = { ...pkg.manifest, name: pkg.name, version: pkg.version, dist: { tarball: `${url}/-/${encodeURIComponent(path.basename(pkg.file))}`, integrity: pkg.integrity, shasum: pkg.shasum } };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: pkg.name, 'dist-tags': { latest: pkg.version }, versions: { [pkg.version]: version } }));
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    url,
    requests,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
