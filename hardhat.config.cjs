/**
 * Hardhat 2 configuration for flock-lab's local JSON-RPC node (`hardhat node` on 127.0.0.1, used
 * by the chain tests through contracts-mirror/chain/localNode.ts). Hardhat never compiles here:
 * the sources folder holds no Solidity, and the compile task is replaced by a no-op, so it never
 * tries to download a compiler (flock-lab compiles with solc-js: contracts-mirror/solidity/compile.ts).
 *
 * Environment:
 *   FLOCK_LAB_CHAIN_ID  chain id of the node (default 31337)
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
    },
  },
};
