# pragma version ~=0.4.3
# pragma evm-version shanghai
"""
@title Chợ Phiên anchor registry
@notice Records Merkle roots of batches of traceability events, with the heads
        of the lots each batch touches, and keeps the list of accounts allowed to
        anchor and of recognised inspectors.
@dev Leaves and proofs follow OpenZeppelin's StandardMerkleTree with leaf
     encoding ["bytes32"]: a parent is keccak256 of its two children
     concatenated in ascending order. Leaves are hashed off-chain.
     Version 2 (PROOF_FORMAT.md, "Heads"): every anchoring also commits the root
     of the batch's heads tree and its lot filter (a Bloom filter of lot keys),
     logged so that any node's eth_getLogs tells which batches may hold a lot.
     There is no other way to anchor, so every root here has heads.
"""

event Anchored:
    root: indexed(bytes32)
    count: uint256
    sender: indexed(address)

event HeadsAnchored:
    root: indexed(bytes32)
    heads_root: indexed(bytes32)
    lots: Bytes[8192]

event AnchorerSet:
    account: indexed(address)
    allowed: bool

event InspectorSet:
    account: indexed(address)
    allowed: bool

event OwnershipTransferred:
    previous_owner: indexed(address)
    new_owner: indexed(address)

MAX_PROOF_LENGTH: constant(uint256) = 64
MIN_FILTER_BYTES: constant(uint256) = 8

owner: public(address)
is_anchorer: public(HashMap[address, bool])
is_inspector: public(HashMap[address, bool])
anchored_at: public(HashMap[bytes32, uint256])


@deploy
def __init__():
    self.owner = msg.sender
    log OwnershipTransferred(previous_owner=empty(address), new_owner=msg.sender)


@external
def transfer_ownership(new_owner: address):
    assert msg.sender == self.owner, "not owner"
    assert new_owner != empty(address), "zero owner"
    log OwnershipTransferred(previous_owner=self.owner, new_owner=new_owner)
    self.owner = new_owner


@external
def set_anchorer(account: address, allowed: bool):
    assert msg.sender == self.owner, "not owner"
    self.is_anchorer[account] = allowed
    log AnchorerSet(account=account, allowed=allowed)


@external
def set_inspector(account: address, allowed: bool):
    assert msg.sender == self.owner, "not owner"
    self.is_inspector[account] = allowed
    log InspectorSet(account=account, allowed=allowed)


@external
def anchor_heads(root: bytes32, count: uint256, heads_root: bytes32, lots: Bytes[8192]):
    assert self.is_anchorer[msg.sender], "not anchorer"
    assert root != empty(bytes32), "empty root"
    assert heads_root != empty(bytes32), "empty heads root"
    assert count != 0, "empty batch"
    assert len(lots) >= MIN_FILTER_BYTES, "no lot filter"
    assert self.anchored_at[root] == 0, "already anchored"
    self.anchored_at[root] = block.timestamp
    log Anchored(root=root, count=count, sender=msg.sender)
    log HeadsAnchored(root=root, heads_root=heads_root, lots=lots)


@external
@pure
def verify(root: bytes32, leaf: bytes32, proof: DynArray[bytes32, MAX_PROOF_LENGTH]) -> bool:
    computed: bytes32 = leaf
    for node: bytes32 in proof:
        if convert(computed, uint256) < convert(node, uint256):
            computed = keccak256(concat(computed, node))
        else:
            computed = keccak256(concat(node, computed))
    return computed == root
