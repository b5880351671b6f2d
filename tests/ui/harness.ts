// Real components for the browser tests: a backchanneld relay, `backchannel`
// CLI calls (the authority's steps stay CLI: it is the ministry's tool) and
// `backchannel app` processes, each in a fresh temporary folder. The binaries
// come from the build tree (ctest passes BC_BIN and BC_RELAY).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createInterface } from 'node:readline';

export const BIN = process.env.BC_BIN ?? '';
export const RELAY = process.env.BC_RELAY ?? '';
export const ARTIFACTS = process.env.BC_UI_ARTIFACTS ?? join(tmpdir(), 'bc-ui-artifacts');
if (!BIN || !RELAY) throw new Error('set BC_BIN and BC_RELAY (ctest does: tests/ui/CMakeLists.txt)');

export function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'bc_ui_'));
}

// The first stdout line of a child, split into words (backchanneld:
// "listening HOST:PORT cert-sha256 PIN"; the app: "app: URL").
function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`${what}: no first line within 20 s`)), 20_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before its first line`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await done;
  clearTimeout(timer);
}

export class Relay {
  address = '';
  pin = '';
  private child: ChildProcess | null = null;
  constructor(private readonly dir: string) {}

  // Starts (or restarts, on the same address and data: same pin) the relay.
  async start(): Promise<void> {
    const listen = this.address || '127.0.0.1:0';
    this.child = spawn(RELAY, ['--listen', listen, '--data', join(this.dir, 'relay')], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [, address, , pin] = (await firstLine(this.child, 'backchanneld')).split(/\s+/);
    this.address = address;
    this.pin = pin;
  }

  async stop(): Promise<void> {
    if (this.child) await stop(this.child);
    this.child = null;
  }
}

// The authorities' folders are sealed with this passphrase (the CLI reads
// it from the environment when there is no terminal).
const AUTHORITY_PASSPHRASE = 'ui test authority passphrase';

export function cli(dir: string, args: string[]): Record<string, unknown> {
  const out = execFileSync(BIN, [...args, '--json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, BACKCHANNEL_PASSPHRASE: AUTHORITY_PASSPHRASE },
  });
  const doc = JSON.parse(out) as Record<string, unknown>;
  if (doc.ok !== true) throw new Error(`backchannel ${args.join(' ')}: ${out}`);
  return doc;
}

// A ministry's authority (a CLI folder) that accredits people.
export class Authority {
  readonly key: string;
  constructor(
    private readonly dir: string,
    readonly folder: string,
    readonly side: string,
  ) {
    cli(dir, ['authority', 'init', '--dir', folder, '--side', side, '--kdf', 'interactive']);
    this.key = cli(dir, ['authority', 'show', '--dir', folder]).public_key as string;
  }

  // Issues a credential for KEY; returns the credential file's path.
  issue(identityKey: string, name: string, role: string, file: string): string {
    const out = join(this.dir, file);
    cli(this.dir, ['authority', 'issue', '--dir', this.folder, '--identity-key', identityKey, '--role', role, '--name', name, '--days', '30', '--out', out]);
    return out;
  }
}

// The app asks for the passphrase in the page, never from the environment.
function withoutPassphrase(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.BACKCHANNEL_PASSPHRASE;
  return env;
}

export class App {
  url = '';
  readonly home: string;
  private child: ChildProcess | null = null;
  // binary/env: another copy of the program, another environment (the
  // standalone test runs a copy with no Node on PATH).
  constructor(
    dir: string,
    name: string,
    private readonly binary = BIN,
    private readonly env: NodeJS.ProcessEnv = withoutPassphrase(),
  ) {
    this.home = join(dir, name);
    mkdirSync(dir, { recursive: true });
  }

  async start(): Promise<void> {
    this.child = spawn(this.binary, ['app', '--home', this.home, '--no-browser'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: this.env,
      cwd: dirname(this.binary),
    });
    const line = await firstLine(this.child, 'backchannel app');
    const match = /^app: (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)$/.exec(line);
    if (!match) throw new Error(`backchannel app printed ${JSON.stringify(line)}`);
    this.url = match[1];
  }

  // The app's origin, without the token.
  get origin(): string {
    return new URL(this.url).origin;
  }

  async stop(): Promise<void> {
    if (this.child) await stop(this.child);
    this.child = null;
  }
}

// The gzipped size of the built JS (the build tree's web/dist).
export function gzippedJsBytes(): number {
  const assets = join(process.env.BC_WEB_DIST ?? '', 'assets');
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
}

export function figure(name: string, value: string): void {
  console.log(`FIGURE ${name}: ${value}`);
}
