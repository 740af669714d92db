// Guard process of contracts-mirror/chain/localNode.ts: the leader of a new process group that
// runs `hardhat node` as its child, so that the node never outlives the process that started it.
//   - It ends the whole group when its stdin closes: that is, when the starting process exits or
//     dies, however it dies (the starting process holds the only write end of that pipe).
//   - It ends the group after a hard lifetime cap (argv[2], milliseconds).
//   - It ends the group on SIGTERM/SIGINT, and exits when hardhat exits.
// Usage: node nodeGuard.mjs <maxLifetimeMs> <hardhat cli.js> [hardhat arguments...]
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

const maxLifetimeMs = Number(process.argv[2]);
const [cli, ...args] = process.argv.slice(3);
const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });

let ending = false;
function endGroup(reason, code, orphaned = false) {
  if (ending) return;
  ending = true;
  process.stderr.write(`[flock-lab node guard] stopping: ${reason}\n`);
  // Nobody is left to read the log: remove its folder (set by localNode.ts).
  const logDir = process.env.FLOCK_LAB_NODE_LOG_DIR;
  if (orphaned && logDir) rmSync(logDir, { recursive: true, force: true });
  try {
    child.kill('SIGKILL');
  } catch {
    /* already gone */
  }
  try {
    process.kill(-process.pid, 'SIGKILL'); // the group: hardhat and anything it started
  } catch {
    /* not a group leader (should not happen) */
  }
  process.exit(code);
}

child.on('exit', (code, signal) => endGroup(`hardhat exited (${signal ?? code})`, code ?? 1));
child.on('error', (e) => endGroup(`hardhat failed to start: ${e.message}`, 1));
process.stdin.on('end', () => endGroup('the starting process went away', 0, true));
process.stdin.on('close', () => endGroup('the starting process went away', 0, true));
process.stdin.on('error', () => endGroup('the starting process went away', 0, true));
process.stdin.resume();
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => endGroup(sig, 0));
if (Number.isFinite(maxLifetimeMs) && maxLifetimeMs > 0) setTimeout(() => endGroup(`lifetime cap of ${maxLifetimeMs} ms`, 0), maxLifetimeMs);
