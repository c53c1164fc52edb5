"""Reading a TensorFlow 1 checkpoint (tensor bundle) without TensorFlow.

A checkpoint ``PREFIX`` is ``PREFIX.index`` plus ``PREFIX.data-SSSSS-of-NNNNN``.  The index is
a LevelDB SSTable (uncompressed blocks of prefix-compressed key/value entries with restart
points, a block index and a 48-byte footer ending in the magic 0xdb4775248b80fb57) whose keys
are variable names and whose values are ``BundleEntryProto`` messages (dtype, shape, shard,
offset, size, crc32c); the empty key holds the ``BundleHeaderProto``.  Tensor values are raw
little-endian bytes in the data shard at the recorded offset.

Only what checkpoints of plain variables need is supported: float32/float64/int32/int64
tensors, one or more shards, no slices, no compression.
"""

from __future__ import annotations

import os
import struct

import numpy as np

from glassviz.errors import InputError

_MAGIC = 0xDB4775248B80FB57
_DTYPES = {1: np.float32, 2: np.float64, 3: np.int32, 9: np.int64}


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7


def _fields(msg: bytes):
    """(field number, wire type, value) of a protobuf message (varint/fixed/bytes values)."""
    pos = 0
    while pos < len(msg):
        tag, pos = _varint(msg, pos)
        field, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(msg, pos)
        elif wire == 1:
            value, pos = struct.unpack_from("<Q", msg, pos)[0], pos + 8
        elif wire == 2:
            n, pos = _varint(msg, pos)
            value, pos = msg[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = struct.unpack_from("<I", msg, pos)[0], pos + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield field, wire, value


def _block(data: bytes, offset: int, size: int) -> list[tuple[bytes, bytes]]:
    if offset + size + 5 > len(data):
        raise ValueError("block beyond the end of the file")
    if data[offset + size] != 0:
        raise ValueError("compressed SSTable blocks are not supported")
    block = data[offset:offset + size]
    n_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    end = len(block) - 4 - 4 * n_restarts
    entries, key, pos = [], b"", 0
    while pos < end:
        shared, pos = _varint(block, pos)
        unshared, pos = _varint(block, pos)
        vlen, pos = _varint(block, pos)
        key = key[:shared] + block[pos:pos + unshared]
        pos += unshared
        entries.append((key, block[pos:pos + vlen]))
        pos += vlen
    return entries


def _entry(value: bytes) -> dict:
    entry = {"dtype": 0, "shape": [], "shard": 0, "offset": 0, "size": 0}
    for field, _, v in _fields(value):
        if field == 1:
            entry["dtype"] = v
        elif field == 2:
            for f, _, dim in _fields(v):
                if f == 2:
                    entry["shape"].append(next((s for g, _, s in _fields(dim) if g == 1), 0))
        elif field == 3:
            entry["shard"] = v
        elif field == 4:
            entry["offset"] = v
        elif field == 5:
            entry["size"] = v
        elif field == 7:
            entry["sliced"] = True
    return entry


def read_index(prefix) -> dict[str, dict]:
    """Variable name -> {dtype, shape, shard, offset, size} from ``PREFIX.index``."""
    path = f"{os.fspath(prefix)}.index"
    if not os.path.exists(path):
        raise InputError(path, "no such file (a TensorFlow checkpoint is PREFIX.index + PREFIX.data-*)")
    data = open(path, "rb").read()
    try:
        if len(data) < 48 or struct.unpack_from("<Q", data, len(data) - 8)[0] != _MAGIC:
            raise ValueError("not an SSTable (bad footer magic)")
        pos = len(data) - 48
        _, pos = _varint(data, pos)  # metaindex handle, unused
        _, pos = _varint(data, pos)
        index_offset, pos = _varint(data, pos)
        index_size, pos = _varint(data, pos)
        out = {}
        for _, handle in _block(data, index_offset, index_size):
            offset, p = _varint(handle, 0)
            size, _ = _varint(handle, p)
            for key, value in _block(data, offset, size):
                if key:
                    out[key.decode()] = _entry(value)
        return out
    except (ValueError, struct.error, UnicodeDecodeError) as exc:
        raise InputError(path, f"not a readable TensorFlow checkpoint index ({exc})") from None


def load_checkpoint(prefix) -> dict[str, np.ndarray]:
    """All tensors of a TensorFlow 1 checkpoint as numpy arrays, by variable name."""
    prefix = os.fspath(prefix)
    index = read_index(prefix)
    n_shards = max((e["shard"] for e in index.values()), default=0) + 1
    shards = {}
    out = {}
    for name, e in index.items():
        if e.get("sliced"):
            raise InputError(f"{prefix}.index", f"variable {name} is stored in slices, which is not supported")
        dtype = _DTYPES.get(e["dtype"])
        if dtype is None:
            continue  # e.g. strings or resource handles: not weights
        shard = e["shard"]
        if shard not in shards:
            path = f"{prefix}.data-{shard:05d}-of-{n_shards:05d}"
            if not os.path.exists(path):
                raise InputError(path, "no such file (checkpoint data shard missing)")
            shards[shard] = (path, open(path, "rb").read())
        path, buf = shards[shard]
        count = int(np.prod(e["shape"])) if e["shape"] else 1
        if e["offset"] + e["size"] > len(buf) or count * np.dtype(dtype).itemsize != e["size"]:
            raise InputError(path, f"truncated or inconsistent data for {name}")
        out[name] = np.frombuffer(buf, dtype=np.dtype(dtype).newbyteorder("<"), count=count,
                                  offset=e["offset"]).reshape(e["shape"]).astype(dtype)
    return out
