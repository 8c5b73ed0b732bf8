import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import qrcode from 'qrcode-terminal';
import { DEFAULT_PARAMS } from '../app/src/runtime/params.ts';
import { buildApp, staleBuildReason } from './app-build.ts';
import { lanUrls, parseCliArgs, teachUrl, USAGE, type CliConfig } from './cli-config.ts';
import { createSignalingServer, type ListenAddress } from './server.ts';

/**
 * `npm start`: build the app if needed, serve it and the signaling endpoint on one port, and
 * print the addresses students can open (with a QR code of the first LAN one), the instructor
 * view and its key.
 */

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const distDir = fileURLToPath(new URL('../dist/', import.meta.url));

async function main(): Promise<number> {
  let config: CliConfig;
  try {
    config = parseCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`tabmesh: ${message(error)}\n\n${USAGE}`);
    return 2;
  }
  if (config.help) {
    console.log(USAGE);
    return 0;
  }
  await ensureBuilt();
  // 128 random bits: no student can guess it, whatever the frame rate limit lets them try.
  const instructorKey = config.instructorKey ?? randomBytes(16).toString('hex');
  const server = createSignalingServer({
    host: config.host,
    port: config.port,
    iceServers: config.iceServers,
    staticDir: distDir,
    instructorKey,
  });
  let address: ListenAddress;
  try {
    address = await server.listen();
  } catch (error) {
    const inUse = error instanceof Error && 'code' in error && error.code === 'EADDRINUSE';
    console.error(inUse ? `tabmesh: port ${config.port} is already in use; pick another with --port` : `tabmesh: ${message(error)}`);
    return 1;
  }
  printAddresses(address, config.instructorKey === undefined ? instructorKey : undefined);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`\n${signal}: closing connections...`);
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`tabmesh: ${message(error)}`);
          process.exit(1);
        },
      );
    });
  }
  return 0;
}

async function ensureBuilt(): Promise<void> {
  const reason = await staleBuildReason(repoRoot, distDir);
  if (reason === undefined) return;
  console.log(`Building the app (${reason})...`);
  try {
    await buildApp(repoRoot);
  } catch (error) {
    // Signaling still works without the app, so keep serving and say how to fix the pages.
    console.error(`tabmesh: the app build failed: ${message(error)}`);
    console.error('Pages will answer "app not built" until `npm run build` succeeds.');
  }
}

/** `generatedKey` is printed; a key the teacher chose is not, as the terminal may be projected. */
function printAddresses(address: ListenAddress, generatedKey: string | undefined): void {
  const wildcard = address.host === '0.0.0.0' || address.host === '::';
  const lan = wildcard ? lanUrls(address.port, networkInterfaces()) : [];
  console.log('\ntabmesh is running.');
  console.log(`  this machine:  ${address.url}`);
  for (const url of lan) console.log(`  on the LAN:    ${url}`);
  const first = lan[0];
  if (first !== undefined) {
    console.log(`\nStudents: open ${first} or scan this code.`);
    qrcode.generate(first, { small: true }, (qr) => console.log(qr));
  } else if (wildcard) {
    console.log('\nNo LAN address found: only this machine can connect.');
  }
  console.log(`Instructor: open ${teachUrl(first ?? address.url, DEFAULT_PARAMS.room)} (any room: ?room=NAME)`);
  if (generatedKey !== undefined) {
    console.log(`  instructor key: ${generatedKey}  (new every start; choose one with --instructor-key or INSTRUCTOR_KEY)`);
  } else {
    console.log('  instructor key: the one given with --instructor-key or INSTRUCTOR_KEY');
  }
  console.log('Press Ctrl+C to stop.');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(`tabmesh: ${message(error)}`);
    process.exit(1);
  },
);
