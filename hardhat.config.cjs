/**
 * Hardhat 2 configuration for flock-lab's local JSON-RPC node (`hardhat node` on 127.0.0.1, used
 * by the chain tests through contracts-mirror/chain/localNode.ts). Hardhat never compiles here:
 * the sources folder holds no Solidity, and the compile task is replaced by a no-op, so it never
 * tries to download a compiler (flock-lab compiles with solc-js: contracts-mirror/solidity/compile.ts).
 *
 * `replay --engine evm --rpc URL` runs traces on this node (contracts-mirror/evmEngine/rpc.ts):
 * - its chain starts on FLOCK_LAB_INITIAL_DATE (2020-01-01 by default), before any trace's first
 *   step, because a replay moves the clock to each step's time and a chain cannot go back in time;
 * - several steps may share a timestamp, and each runs in its own block, so consecutive blocks
 *   may share a timestamp too (allowBlocksWithSameTimestamp).
 *
 * Environment:
 *   FLOCK_LAB_CHAIN_ID      chain id of the node (default 31337)
 *   FLOCK_LAB_INITIAL_DATE  time of the genesis block (default 2020-01-01T00:00:00Z)
 */
const { task, subtask } = require('hardhat/config');
const { TASK_COMPILE, TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require('hardhat/builtin-tasks/task-names');

task(TASK_COMPILE, 'Does nothing: flock-lab compiles its Solidity with solc-js (contracts-mirror/solidity/compile.ts)').setAction(async () => {});
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(async () => {
  throw new Error('flock-lab: Hardhat must not download a compiler');
});

const chainId = Number(process.env.FLOCK_LAB_CHAIN_ID || 31337);

/** @type {import('hardhat/config').HardhatUserConfig} */
module.exports = {
  paths: {
    sources: './contracts-mirror/chain/hardhat-sources',
    cache: './node_modules/.cache/flock-lab-hardhat/cache',
    artifacts: './node_modules/.cache/flock-lab-hardhat/artifacts',
    tests: './contracts-mirror/chain/hardhat-sources',
  },
  networks: {
    hardhat: {
      chainId,
      allowUnlimitedContractSize: true,
      hardfork: 'cancun',
      mining: { auto: true, interval: 0 },
      allowBlocksWithSameTimestamp: true,
      initialDate: process.env.FLOCK_LAB_INITIAL_DATE || '2020-01-01T00:00:00Z',
    },
  },
};
