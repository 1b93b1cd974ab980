// The public libraries the buyer's browser verifies a lot with ("Tự kiểm chứng"), bundled by
// build.mjs into one script that sets `window.ChoPhienLibs` (see static/traceability/verify*.js).
// Each export comes unchanged from its npm package, pinned in package-lock.json.
export { StandardMerkleTree } from "@openzeppelin/merkle-tree";
export { default as canonicalize } from "canonicalize";
export {
  Contract,
  Interface,
  JsonRpcProvider,
  getAddress,
  getBytes,
  isAddress,
  keccak256,
  toUtf8Bytes,
  verifyTypedData,
} from "ethers";
