//! Walking an ONNX file's top-level protobuf structure without reading tensor payloads
//! (spec/fingerprint.md §4.4.1).
//!
//! prost decodes every message whose bytes are held in memory (nodes, tensor metadata, the
//! model header). What prost cannot do is leave a field unread and say where it was, and a
//! model's `ModelProto` holds all its weights: decoding it whole would load the whole file. So
//! the three levels that hold payloads — `ModelProto.graph` (field 7), `GraphProto.initializer`
//! (field 5) and the payload fields of `TensorProto` (`raw_data` 9, `float_data` 4,
//! `double_data` 10) — are walked key by key with prost's own wire-format functions
//! (`prost::encoding::decode_key` / `decode_varint`); every other field is either copied and
//! handed to prost, or skipped by length.
use bytes::Buf;
use prost::encoding::{decode_key, decode_varint, WireType};
use prost::Message;

use super::proto::{ModelHeader, NodeProto, TensorProto};
use crate::cursor::Cursor;
use crate::entry::MAX_TENSORS;
use crate::error::ReadError;

/// Largest node message decoded; larger nodes (a `Constant` holding a big tensor) are skipped
/// and counted (spec/fingerprint.md §4.5).
pub const MAX_NODE_BYTES: u64 = 1 << 20;
/// Most nodes decoded (spec/fingerprint.md §4.5).
pub const MAX_NODES: usize = 1 << 20;
/// Total bytes of node messages decoded (spec/fingerprint.md §4.5).
pub const NODE_BYTES_BUDGET: u64 = 256 << 20;
/// Largest metadata (everything but the payload) of one tensor, and largest typed payload
/// decoded in memory (spec/fingerprint.md §4.5).
pub const MAX_TENSOR_META_BYTES: u64 = 1 << 20;
/// Total bytes of tensor metadata and in-memory payloads (spec/fingerprint.md §4.5).
pub const META_BYTES_BUDGET: u64 = 256 << 20;
/// Largest model header (everything of `ModelProto` but the graph) kept.
pub const MAX_HEADER_FIELD_BYTES: u64 = 1 << 16;

/// Where a tensor's values are.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    /// No payload field (an empty tensor, or values in the decoded metadata).
    InMeta,
    /// `raw_data`: little-endian elements of the tensor's data type.
    Raw {
        /// Absolute offset of the first byte.
        offset: u64,
        /// Length in bytes.
        len: u64,
    },
    /// Packed `float_data`: little-endian `f32`.
    Floats {
        /// Absolute offset.
        offset: u64,
        /// Length in bytes.
        len: u64,
    },
    /// Packed `double_data`: little-endian `f64`.
    Doubles {
        /// Absolute offset.
        offset: u64,
        /// Length in bytes.
        len: u64,
    },
    /// A varint-packed payload too large to decode in memory.
    TooLarge,
}

/// One initializer: its metadata decoded by prost, and where its payload lies.
#[derive(Clone, Debug)]
pub struct Initializer {
    /// Everything but the payload fields.
    pub meta: TensorProto,
    /// Where the values are.
    pub payload: Payload,
}

/// The parts of a model the reader uses.
#[derive(Debug, Default)]
pub struct Model {
    /// The model header (IR version, producer, opsets).
    pub header: ModelHeader,
    /// Graph nodes, in file order.
    pub nodes: Vec<NodeProto>,
    /// Initializers, in file order.
    pub initializers: Vec<Initializer>,
    /// Nodes larger than [`MAX_NODE_BYTES`], skipped.
    pub skipped_nodes: usize,
    /// Sparse initializers, not read.
    pub sparse_initializers: usize,
}

/// Budgets shared by one walk.
struct Budget {
    node_bytes: u64,
    meta_bytes: u64,
}

fn proto_err(what: &'static str, offset: u64) -> impl Fn(prost::DecodeError) -> ReadError {
    move |source| ReadError::Protobuf {
        what,
        offset,
        source,
    }
}

/// Reads a varint at the cursor with prost's decoder.
fn varint(c: &mut Cursor<'_>, what: &'static str) -> Result<u64, ReadError> {
    let at = c.pos();
    let bytes = c.peek(what, 10)?;
    let mut s = bytes.as_slice();
    let v = decode_varint(&mut s).map_err(proto_err(what, at))?;
    let used = bytes.len() - s.remaining();
    c.skip(what, used as u64)?;
    Ok(v)
}

/// Reads a field key at the cursor with prost's decoder.
fn key(c: &mut Cursor<'_>) -> Result<(u32, WireType), ReadError> {
    let at = c.pos();
    let bytes = c.peek("field key", 10)?;
    let mut s = bytes.as_slice();
    let k = decode_key(&mut s).map_err(proto_err("field key", at))?;
    let used = bytes.len() - s.remaining();
    c.skip("field key", used as u64)?;
    Ok(k)
}

/// Skips a field's value; groups are refused (ONNX does not use them).
fn skip_value(c: &mut Cursor<'_>, tag: u32, wt: WireType, key_at: u64) -> Result<(), ReadError> {
    match wt {
        WireType::Varint => varint(c, "varint field").map(drop),
        WireType::SixtyFourBit => c.skip("fixed64 field", 8),
        WireType::ThirtyTwoBit => c.skip("fixed32 field", 4),
        WireType::LengthDelimited => {
            let len = varint(c, "field length")?;
            c.skip("length-delimited field", len)
        }
        WireType::StartGroup | WireType::EndGroup => Err(ReadError::UnsupportedWireType {
            tag,
            wire_type: wt as u64,
            offset: key_at,
        }),
    }
}

/// Skips a field and appends its bytes (key included) to `out`, within `cap` bytes in all.
fn copy_field(
    c: &mut Cursor<'_>,
    tag: u32,
    wt: WireType,
    key_at: u64,
    out: &mut Vec<u8>,
    cap: u64,
    what: &'static str,
) -> Result<(), ReadError> {
    skip_value(c, tag, wt, key_at)?;
    let len = c.pos() - key_at;
    let total = out.len() as u64 + len;
    if total > cap {
        return Err(ReadError::LimitExceeded {
            what,
            declared: total,
            limit: cap,
        });
    }
    let end = c.pos();
    c.seek(what, key_at)?;
    let bytes = c.bytes(what, len, cap)?;
    out.extend_from_slice(&bytes);
    c.seek(what, end)
}

/// Walks a whole ONNX file (spec/fingerprint.md §4.4.1).
pub fn walk(c: &mut Cursor<'_>) -> Result<Model, ReadError> {
    let mut model = Model::default();
    let mut header = Vec::new();
    let mut budget = Budget {
        node_bytes: 0,
        meta_bytes: 0,
    };
    while c.remaining() > 0 {
        let at = c.pos();
        let (tag, wt) = key(c)?;
        match (tag, wt) {
            (7, WireType::LengthDelimited) => {
                let len = varint(c, "graph length")?;
                let outer = c.narrow("graph", len)?;
                walk_graph(c, &mut model, &mut budget)?;
                c.restore(outer);
            }
            (1 | 2 | 3 | 8, _) => {
                copy_field(
                    c,
                    tag,
                    wt,
                    at,
                    &mut header,
                    MAX_HEADER_FIELD_BYTES,
                    "model header",
                )?;
            }
            _ => skip_value(c, tag, wt, at)?,
        }
    }
    model.header = ModelHeader::decode(header.as_slice()).map_err(proto_err("model header", 0))?;
    Ok(model)
}

fn walk_graph(c: &mut Cursor<'_>, model: &mut Model, budget: &mut Budget) -> Result<(), ReadError> {
    while c.remaining() > 0 {
        let at = c.pos();
        let (tag, wt) = key(c)?;
        match (tag, wt) {
            (1, WireType::LengthDelimited) => {
                let len = varint(c, "node length")?;
                if len > MAX_NODE_BYTES {
                    c.skip("node", len)?;
                    model.skipped_nodes += 1;
                    continue;
                }
                if model.nodes.len() == MAX_NODES {
                    return Err(ReadError::LimitExceeded {
                        what: "node count",
                        declared: MAX_NODES as u64 + 1,
                        limit: MAX_NODES as u64,
                    });
                }
                budget.node_bytes += len;
                if budget.node_bytes > NODE_BYTES_BUDGET {
                    return Err(ReadError::LimitExceeded {
                        what: "total node bytes",
                        declared: budget.node_bytes,
                        limit: NODE_BYTES_BUDGET,
                    });
                }
                let node_at = c.pos();
                let bytes = c.bytes("node", len, MAX_NODE_BYTES)?;
                let node =
                    NodeProto::decode(bytes.as_slice()).map_err(proto_err("node", node_at))?;
                model.nodes.push(node);
            }
            (5, WireType::LengthDelimited) => {
                let len = varint(c, "initializer length")?;
                if model.initializers.len() as u64 == MAX_TENSORS {
                    return Err(ReadError::LimitExceeded {
                        what: "initializer count",
                        declared: MAX_TENSORS + 1,
                        limit: MAX_TENSORS,
                    });
                }
                let outer = c.narrow("initializer", len)?;
                let init = walk_tensor(c, budget)?;
                c.restore(outer);
                model.initializers.push(init);
            }
            (15, WireType::LengthDelimited) => {
                model.sparse_initializers += 1;
                skip_value(c, tag, wt, at)?;
            }
            _ => skip_value(c, tag, wt, at)?,
        }
    }
    Ok(())
}

fn walk_tensor(c: &mut Cursor<'_>, budget: &mut Budget) -> Result<Initializer, ReadError> {
    let start = c.pos();
    let mut meta = Vec::new();
    let mut payload = Payload::InMeta;
    while c.remaining() > 0 {
        let at = c.pos();
        let (tag, wt) = key(c)?;
        match (tag, wt) {
            (9 | 4 | 10, WireType::LengthDelimited) => {
                let len = varint(c, "tensor payload length")?;
                let offset = c.pos();
                c.skip("tensor payload", len)?;
                payload = match tag {
                    9 => Payload::Raw { offset, len },
                    4 => Payload::Floats { offset, len },
                    _ => Payload::Doubles { offset, len },
                };
            }
            (5 | 7 | 11, WireType::LengthDelimited) => {
                // Varint-packed typed data: decoded in memory when small.
                let after_key = c.pos();
                let len = varint(c, "tensor payload length")?;
                if len > MAX_TENSOR_META_BYTES {
                    c.skip("tensor payload", len)?;
                    payload = Payload::TooLarge;
                } else {
                    c.seek("tensor payload", after_key)?;
                    copy_field(
                        c,
                        tag,
                        wt,
                        at,
                        &mut meta,
                        MAX_TENSOR_META_BYTES * 2,
                        "tensor data",
                    )?;
                }
            }
            _ => copy_field(
                c,
                tag,
                wt,
                at,
                &mut meta,
                MAX_TENSOR_META_BYTES,
                "tensor metadata",
            )?,
        }
    }
    budget.meta_bytes += meta.len() as u64;
    if budget.meta_bytes > META_BYTES_BUDGET {
        return Err(ReadError::LimitExceeded {
            what: "total tensor metadata bytes",
            declared: budget.meta_bytes,
            limit: META_BYTES_BUDGET,
        });
    }
    let meta = TensorProto::decode(meta.as_slice()).map_err(proto_err("tensor", start))?;
    Ok(Initializer { meta, payload })
}
