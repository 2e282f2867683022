//! The ONNX reader: initializers located without reading their payloads, then named,
//! oriented and dequantised from the graph (spec/fingerprint.md §4.4).
//!
//! - **Names** (§4.4.2). Exporters replace matrix names by placeholders (`onnx::MatMul_470`,
//!   `val_109`). A placeholder weight is renamed after the output of its dequantisation when
//!   that has a real name, else after the bias added to its `MatMul` output (`….bias` →
//!   `….weight`), or the bias input of its `Gemm`.
//! - **Orientation** (§4.4.2). A `MatMul` weight (input B) is stored `[in, out]`; PyTorch
//!   stores `[out, in]`. It is read transposed, unless a `Transpose` node sits between them;
//!   `Gemm` follows its `transB` attribute.
//! - **Dequantisation** (§4.4.3). `INT8`/`UINT8` initializers are read through the scale and
//!   zero point of the `DequantizeLinear` node that consumes them, or of a `Cast` → `Mul`
//!   (→ `Sub`) chain, or, as onnxruntime's quantiser names them, the initializers
//!   `<name>_scale` and `<name>_zero_point`.
//! - **External data** (§4.4.4). Tensors whose data lie in another file name it; the caller
//!   resolves the names it returns.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
#[rustfmt::skip]
mod proto;
mod wire;

use std::collections::{HashMap, HashSet};

use proto::{NodeProto, TensorProto};
use wire::{Initializer, Payload};

use crate::cursor::Cursor;
use crate::entry::{Entry, MAX_DIMS};
use crate::error::{ReadError, SkipReason};
use crate::names;
use crate::sketch::Role;
use crate::source::ReadAt;
use crate::storage::{Axis, Dequant, Dtype, Encoding, RowMap, Storage};

pub use wire::{MAX_NODES, MAX_NODE_BYTES, MAX_TENSOR_META_BYTES};

/// Most elements of a scale or zero-point tensor read whole (spec/fingerprint.md §4.5).
pub const MAX_SMALL_ELEMENTS: u64 = 1 << 20;
/// Longest chain of nodes followed from an initializer to the node that uses it.
const MAX_CHAIN: usize = 8;

/// What the ONNX reader found.
#[derive(Debug, Default)]
pub struct OnnxTensors {
    /// One entry per initializer. `Storage::source` is 0 for the model file, `1 ..= n` for
    /// `external[i − 1]`, and `n + 1 + j` for `memory[j]`.
    pub entries: Vec<Entry>,
    /// Locations of external data files, as written in the model (relative paths).
    pub external: Vec<String>,
    /// Payloads decoded in memory (varint-packed typed data), as little-endian bytes.
    pub memory: Vec<Vec<u8>>,
    /// Nodes too large to decode, skipped.
    pub skipped_nodes: usize,
}

/// ONNX `TensorProto.DataType` codes.
mod dt {
    pub const FLOAT: i32 = 1;
    pub const UINT8: i32 = 2;
    pub const INT8: i32 = 3;
    pub const FLOAT16: i32 = 10;
    pub const DOUBLE: i32 = 11;
    pub const BFLOAT16: i32 = 16;
    pub const INT32: i32 = 6;
    pub const INT64: i32 = 7;
}

fn data_type_name(t: i32) -> String {
    let n = match t {
        0 => "UNDEFINED",
        1 => "FLOAT",
        2 => "UINT8",
        3 => "INT8",
        4 => "UINT16",
        5 => "INT16",
        6 => "INT32",
        7 => "INT64",
        8 => "STRING",
        9 => "BOOL",
        10 => "FLOAT16",
        11 => "DOUBLE",
        12 => "UINT32",
        13 => "UINT64",
        14 => "COMPLEX64",
        15 => "COMPLEX128",
        16 => "BFLOAT16",
        _ => return format!("ONNX data type {t}"),
    };
    n.to_owned()
}

fn is_integer(t: i32) -> bool {
    matches!(t, 2..=7 | 9 | 12 | 13 | 21 | 22)
}

/// How a value flows from an initializer to the node that uses it.
#[derive(Debug, Default)]
struct Use {
    /// The consuming op (`MatMul`, `Gemm`, `Gather`, …) and the input index.
    consumer: Option<(String, usize, usize)>,
    /// Number of `Transpose` nodes passed.
    transposes: usize,
    /// `DequantizeLinear` node found: scale name, zero-point name, axis.
    dequantize_linear: Option<(String, Option<String>, i64)>,
    /// `Mul` by an initializer or constant (scale) and `Sub` (zero point) found.
    mul_scale: Option<String>,
    sub_zero: Option<String>,
    /// Last value name in the chain (the dequantised weight's name, when it has one).
    last_value: String,
}

struct Graph<'a> {
    nodes: &'a [NodeProto],
    consumers: HashMap<&'a str, Vec<(usize, usize)>>,
    constants: HashMap<&'a str, &'a TensorProto>,
}

impl<'a> Graph<'a> {
    fn new(nodes: &'a [NodeProto]) -> Graph<'a> {
        let mut consumers: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        let mut constants = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            for (j, input) in n.input.iter().enumerate() {
                consumers.entry(input.as_str()).or_default().push((i, j));
            }
            if n.op_type == "Constant" {
                if let (Some(out), Some(t)) = (
                    n.output.first(),
                    n.attribute
                        .iter()
                        .find(|a| a.name == "value")
                        .and_then(|a| a.t.as_ref()),
                ) {
                    constants.insert(out.as_str(), t);
                }
            }
        }
        Graph {
            nodes,
            consumers,
            constants,
        }
    }

    fn attr_i(node: &NodeProto, name: &str) -> Option<i64> {
        node.attribute.iter().find(|a| a.name == name).map(|a| a.i)
    }

    /// Follows `name` through `Cast`, `DequantizeLinear`, `Mul`/`Sub` by a constant,
    /// `Transpose` and `Identity` to the node that uses it (spec/fingerprint.md §4.4.2).
    fn follow(&self, name: &str, is_const: &dyn Fn(&str) -> bool) -> Use {
        let mut u = Use {
            last_value: name.to_owned(),
            ..Use::default()
        };
        let mut current = name.to_owned();
        for _ in 0..MAX_CHAIN {
            let Some(uses) = self.consumers.get(current.as_str()) else {
                break;
            };
            // Prefer the use that leads somewhere: the first one.
            let Some(&(ni, input)) = uses.first() else {
                break;
            };
            let node = &self.nodes[ni];
            let other = |k: usize| node.input.get(k).cloned();
            let next = node.output.first().cloned();
            match node.op_type.as_str() {
                "Cast" | "Identity" => {}
                "Transpose" => {
                    let perm = node
                        .attribute
                        .iter()
                        .find(|a| a.name == "perm")
                        .map(|a| a.ints.clone())
                        .unwrap_or_default();
                    if perm.is_empty() || perm == [1, 0] {
                        u.transposes += 1;
                    } else {
                        u.consumer = Some((node.op_type.clone(), input, ni));
                        break;
                    }
                }
                "DequantizeLinear" if input == 0 => {
                    let scale = other(1).unwrap_or_default();
                    let zero = other(2).filter(|s| !s.is_empty());
                    let axis = Self::attr_i(node, "axis").unwrap_or(1);
                    u.dequantize_linear = Some((scale, zero, axis));
                }
                "Mul" if u.mul_scale.is_none() => {
                    let o = other(1 - input.min(1)).unwrap_or_default();
                    if !is_const(&o) {
                        u.consumer = Some((node.op_type.clone(), input, ni));
                        break;
                    }
                    u.mul_scale = Some(o);
                }
                "Sub" if input == 0 && u.mul_scale.is_none() && u.sub_zero.is_none() => {
                    let o = other(1).unwrap_or_default();
                    if !is_const(&o) {
                        u.consumer = Some((node.op_type.clone(), input, ni));
                        break;
                    }
                    u.sub_zero = Some(o);
                }
                _ => {
                    u.consumer = Some((node.op_type.clone(), input, ni));
                    break;
                }
            }
            match next {
                Some(n) if !n.is_empty() => {
                    u.last_value = n.clone();
                    current = n;
                }
                _ => break,
            }
        }
        u
    }

    /// The bias added to a `MatMul` (or `MatMulInteger`) output, past any `Cast` and `Mul`
    /// (rescaling) nodes: the other input of the `Add`, when it is a named constant ending in
    /// `bias` (spec/fingerprint.md §4.4.2).
    fn bias_after(&self, node: usize, is_const: &dyn Fn(&str) -> bool) -> Option<String> {
        let out = self.nodes[node].output.first()?;
        let u = self.follow(out, &|_| true);
        let (op, input, ni) = u.consumer?;
        if op != "Add" {
            return None;
        }
        let other = self.nodes[ni].input.get(1 - input.min(1))?;
        (is_const(other) && !names::is_anonymous(other) && other.ends_with("bias"))
            .then(|| other.clone())
    }
}

/// Reads an ONNX file's initializers (spec/fingerprint.md §4.4).
pub fn read(src: &dyn ReadAt) -> Result<OnnxTensors, ReadError> {
    let mut c = Cursor::new(src);
    let model = wire::walk(&mut c)?;
    let graph = Graph::new(&model.nodes);
    let by_name: HashMap<&str, &Initializer> = model
        .initializers
        .iter()
        .map(|i| (i.meta.name.as_str(), i))
        .collect();
    let is_const = |n: &str| by_name.contains_key(n) || graph.constants.contains_key(n);

    // External data files, in order of first use.
    let mut external: Vec<String> = Vec::new();
    for init in &model.initializers {
        if init.meta.data_location == 1 {
            if let Some(loc) = ext_field(&init.meta, "location") {
                if !external.contains(&loc) {
                    external.push(loc);
                }
            }
        }
    }

    let mut out = OnnxTensors {
        skipped_nodes: model.skipped_nodes,
        ..OnnxTensors::default()
    };
    let mut used_names: HashSet<String> = model
        .initializers
        .iter()
        .filter(|i| !names::is_anonymous(&i.meta.name))
        .map(|i| i.meta.name.clone())
        .collect();
    // How each initializer is used, and which initializers are the scales and zero points of
    // quantised weights (those are skipped: they are part of their weight).
    let uses: Vec<Use> = model
        .initializers
        .iter()
        .map(|i| graph.follow(&i.meta.name, &is_const))
        .collect();
    let mut params: HashSet<String> = HashSet::new();
    for (init, u) in model.initializers.iter().zip(&uses) {
        if !matches!(init.meta.data_type, dt::INT8 | dt::UINT8) {
            continue;
        }
        if let Some((s, z, _)) = &u.dequantize_linear {
            params.insert(s.clone());
            params.extend(z.clone());
        }
        params.extend(u.mul_scale.clone());
        params.extend(u.sub_zero.clone());
        if let Some(("MatMulInteger", 1, ni)) =
            u.consumer.as_ref().map(|(o, i, n)| (o.as_str(), *i, *n))
        {
            params.extend(graph.nodes[ni].input.get(3).cloned());
        }
        let base = names::strip_quant_suffix(&init.meta.name);
        params.insert(format!("{base}_scale"));
        params.insert(format!("{base}_zero_point"));
    }
    for (init, u) in model.initializers.iter().zip(&uses) {
        let t = &init.meta;
        let small = t
            .dims
            .iter()
            .try_fold(1u64, |a, &d| a.checked_mul(u64::try_from(d).ok()?))
            .is_some_and(|n| n <= MAX_SMALL_ELEMENTS);
        if params.contains(&t.name) && small {
            out.entries.push(Entry {
                name: t.name.clone(),
                dims: t.dims.iter().map(|&d| d.max(0) as u64).collect(),
                role_hint: None,
                content: Err(SkipReason::QuantizationParameter),
            });
            continue;
        }
        if t.dims.len() > MAX_DIMS {
            out.entries.push(Entry {
                name: t.name.clone(),
                dims: Vec::new(),
                role_hint: None,
                content: Err(SkipReason::TooManyDims),
            });
            continue;
        }
        let mut dims = Vec::with_capacity(t.dims.len());
        for &d in &t.dims {
            dims.push(u64::try_from(d).map_err(|_| ReadError::NegativeDim {
                tensor: t.name.clone(),
            })?);
        }
        let elements = dims
            .iter()
            .try_fold(1u64, |a, &d| a.checked_mul(d))
            .ok_or_else(|| ReadError::Overflow {
                what: "element count",
                tensor: t.name.clone(),
            })?;

        // Name (spec/fingerprint.md §4.4.2).
        let mut name = names::strip_quant_suffix(&t.name).to_owned();
        if names::is_anonymous(&t.name) {
            let from_value = (!names::is_anonymous(&u.last_value) && u.last_value != t.name)
                .then(|| u.last_value.clone());
            let from_bias = match &u.consumer {
                Some((op, 1, ni)) if op == "MatMul" || op == "MatMulInteger" => {
                    graph.bias_after(*ni, &is_const)
                }
                Some((op, 1, ni)) if op == "Gemm" => graph.nodes[*ni]
                    .input
                    .get(2)
                    .filter(|b| !names::is_anonymous(b))
                    .cloned(),
                _ => None,
            };
            // The bias names the layer exactly; a dequantisation output is used otherwise.
            let recovered = from_bias
                .and_then(|b| b.strip_suffix("bias").map(|s| format!("{s}weight")))
                .or(from_value);
            if let Some(r) = recovered {
                if !used_names.contains(&r) {
                    used_names.insert(r.clone());
                    name = r;
                }
            }
        }

        // Orientation (spec/fingerprint.md §4.4.2).
        let stores_in_out = match &u.consumer {
            Some((op, 1, _)) if op == "MatMul" || op == "MatMulInteger" => true,
            Some((op, 1, ni)) if op == "Gemm" => {
                Graph::attr_i(&graph.nodes[*ni], "transB").unwrap_or(0) == 0
            }
            _ => false,
        };
        let transposed = dims.len() == 2 && stores_in_out && u.transposes % 2 == 0;
        let role_hint = match &u.consumer {
            Some((op, 0, _)) if op == "Gather" && dims.len() == 2 => Some(Role::Embedding),
            _ => None,
        };
        let canonical_dims = if transposed {
            vec![dims[1], dims[0]]
        } else {
            dims.clone()
        };

        let content = storage_of(
            init,
            &dims,
            elements,
            transposed,
            u,
            &by_name,
            &graph,
            src,
            &external,
            &mut out.memory,
        )?;
        out.entries.push(Entry {
            name,
            dims: canonical_dims,
            role_hint,
            content,
        });
    }
    // Memory sources come after the external files.
    let base = 1 + external.len();
    for e in &mut out.entries {
        if let Ok((_, st)) = &mut e.content {
            if st.source >= MEMORY_BASE {
                st.source = st.source - MEMORY_BASE + base;
            }
        }
    }
    out.external = external;
    Ok(out)
}

/// Provisional source index of in-memory payloads, rebased once the external files are known.
const MEMORY_BASE: usize = usize::MAX / 2;

fn ext_field(t: &TensorProto, key: &str) -> Option<String> {
    t.external_data
        .iter()
        .find(|e| e.key == key)
        .map(|e| e.value.clone())
}

/// Where and how an initializer is stored, or why it is skipped.
#[allow(clippy::too_many_arguments)]
fn storage_of(
    init: &Initializer,
    dims: &[u64],
    elements: u64,
    transposed: bool,
    u: &Use,
    by_name: &HashMap<&str, &Initializer>,
    graph: &Graph<'_>,
    src: &dyn ReadAt,
    external: &[String],
    memory: &mut Vec<Vec<u8>>,
) -> Result<Result<(Dtype, Storage), SkipReason>, ReadError> {
    let t = &init.meta;
    let (dtype, encoding) = match t.data_type {
        dt::FLOAT => (Dtype::F32, Encoding::F32),
        dt::FLOAT16 => (Dtype::F16, Encoding::F16),
        dt::BFLOAT16 => (Dtype::BF16, Encoding::BF16),
        dt::DOUBLE => (Dtype::F64, Encoding::F64),
        dt::INT8 => (Dtype::I8, Encoding::I8),
        dt::UINT8 => (Dtype::U8, Encoding::U8),
        other if is_integer(other) => {
            return Ok(Err(SkipReason::Integer {
                dtype: data_type_name(other),
            }))
        }
        other => {
            return Ok(Err(SkipReason::UnsupportedType {
                dtype: data_type_name(other),
            }))
        }
    };
    let (storage_rows, storage_cols) = match dims {
        [] => (1, 1),
        [n] => (1, *n),
        [first, ..] => (*first, elements.checked_div(*first).unwrap_or(0)),
    };
    let need = encoding
        .bytes_for(elements)
        .ok_or_else(|| ReadError::Overflow {
            what: "byte size",
            tensor: t.name.clone(),
        })?;

    // Where the bytes are.
    let (source, offset) = if t.data_location == 1 {
        let Some(loc) = ext_field(t, "location") else {
            return Ok(Err(SkipReason::ExternalData {
                why: "no location given".into(),
            }));
        };
        let index = external.iter().position(|e| *e == loc).unwrap_or(0) + 1;
        let offset = match ext_field(t, "offset").map(|o| o.parse::<u64>()) {
            None => 0,
            Some(Ok(o)) => o,
            Some(Err(_)) => {
                return Ok(Err(SkipReason::ExternalData {
                    why: "offset is not a number".into(),
                }))
            }
        };
        if let Some(Ok(len)) = ext_field(t, "length").map(|l| l.parse::<u64>()) {
            if len != need {
                return Err(ReadError::SizeMismatch {
                    tensor: t.name.clone(),
                    expected: need,
                    actual: len,
                });
            }
        }
        (index, offset)
    } else {
        match &init.payload {
            Payload::Raw { offset, len }
            | Payload::Floats { offset, len }
            | Payload::Doubles { offset, len } => {
                let (ok, expected) = match init.payload {
                    Payload::Floats { .. } => {
                        (t.data_type == dt::FLOAT, elements.saturating_mul(4))
                    }
                    Payload::Doubles { .. } => {
                        (t.data_type == dt::DOUBLE, elements.saturating_mul(8))
                    }
                    _ => (true, need),
                };
                if !ok {
                    return Ok(Err(SkipReason::UnsupportedPayload));
                }
                if *len != expected {
                    return Err(ReadError::SizeMismatch {
                        tensor: t.name.clone(),
                        expected,
                        actual: *len,
                    });
                }
                (0, *offset)
            }
            Payload::TooLarge => return Ok(Err(SkipReason::UnsupportedPayload)),
            Payload::InMeta => match in_memory(t, elements) {
                Some(bytes) if bytes.len() as u64 == need => {
                    memory.push(bytes);
                    (MEMORY_BASE + memory.len() - 1, 0)
                }
                Some(_) if elements == 0 => (0, 0),
                _ => return Ok(Err(SkipReason::UnsupportedPayload)),
            },
        }
    };

    // Dequantisation (spec/fingerprint.md §4.4.3).
    let dequant = if dtype.is_quantized() {
        match dequant_of(
            &t.name,
            u,
            by_name,
            graph,
            src,
            storage_rows,
            storage_cols,
            dims.len(),
        ) {
            Some(d) => Some(d),
            None => return Ok(Err(SkipReason::NoScale)),
        }
    } else {
        None
    };
    Ok(Ok((
        dtype,
        Storage {
            source,
            offset,
            encoding,
            storage_rows,
            storage_cols,
            transposed,
            row_map: RowMap::Identity,
            dequant,
        },
    )))
}

/// A payload held in the decoded metadata, as little-endian bytes of the tensor's type.
fn in_memory(t: &TensorProto, elements: u64) -> Option<Vec<u8>> {
    let n = usize::try_from(elements).ok()?;
    match t.data_type {
        dt::FLOAT if t.float_data.len() == n => {
            Some(t.float_data.iter().flat_map(|v| v.to_le_bytes()).collect())
        }
        dt::DOUBLE if t.double_data.len() == n => {
            Some(t.double_data.iter().flat_map(|v| v.to_le_bytes()).collect())
        }
        // FLOAT16 and BFLOAT16 are kept as their bits in int32_data; INT8/UINT8 as values.
        dt::FLOAT16 | dt::BFLOAT16 if t.int32_data.len() == n => Some(
            t.int32_data
                .iter()
                .flat_map(|v| (*v as u16).to_le_bytes())
                .collect(),
        ),
        dt::INT8 | dt::UINT8 if t.int32_data.len() == n => {
            Some(t.int32_data.iter().map(|v| *v as u8).collect())
        }
        _ if n == 0 => Some(Vec::new()),
        _ => None,
    }
}

/// The values of a small tensor (scale, zero point): an initializer or a `Constant` node.
fn small_values(
    name: &str,
    by_name: &HashMap<&str, &Initializer>,
    graph: &Graph<'_>,
    src: &dyn ReadAt,
) -> Option<(Vec<u64>, Vec<f64>)> {
    let (t, payload) = if let Some(i) = by_name.get(name) {
        (&i.meta, i.payload.clone())
    } else {
        let t = *graph.constants.get(name)?;
        (t, Payload::InMeta)
    };
    let dims: Vec<u64> = t
        .dims
        .iter()
        .map(|&d| u64::try_from(d).ok())
        .collect::<Option<_>>()?;
    let n = dims.iter().try_fold(1u64, |a, &d| a.checked_mul(d))?;
    if n > MAX_SMALL_ELEMENTS || t.data_location == 1 {
        return None;
    }
    let decode_raw = |b: &[u8]| -> Option<Vec<f64>> {
        let width = match t.data_type {
            dt::FLOAT | dt::INT32 => 4,
            dt::FLOAT16 | dt::BFLOAT16 => 2,
            dt::DOUBLE | dt::INT64 => 8,
            dt::INT8 | dt::UINT8 => 1,
            _ => return None,
        };
        if b.len() as u64 != n.checked_mul(width)? {
            return None;
        }
        Some(
            b.chunks(width as usize)
                .map(|c| match t.data_type {
                    dt::FLOAT => f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
                    dt::INT32 => f64::from(i32::from_le_bytes([c[0], c[1], c[2], c[3]])),
                    dt::FLOAT16 => f64::from(half::f16::from_le_bytes([c[0], c[1]])),
                    dt::BFLOAT16 => f64::from(half::bf16::from_le_bytes([c[0], c[1]])),
                    dt::DOUBLE => {
                        f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
                    }
                    dt::INT64 => {
                        i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f64
                    }
                    dt::INT8 => f64::from(c[0] as i8),
                    _ => f64::from(c[0]),
                })
                .collect(),
        )
    };
    let values = match payload {
        Payload::Raw { offset, len }
        | Payload::Floats { offset, len }
        | Payload::Doubles { offset, len } => {
            if len > MAX_SMALL_ELEMENTS * 8 {
                return None;
            }
            let mut b = vec![0u8; usize::try_from(len).ok()?];
            src.read_exact_at(offset, &mut b).ok()?;
            match payload {
                Payload::Floats { .. } => b
                    .chunks_exact(4)
                    .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                    .collect(),
                Payload::Doubles { .. } => b
                    .chunks_exact(8)
                    .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                    .collect(),
                _ => decode_raw(&b)?,
            }
        }
        Payload::TooLarge => return None,
        Payload::InMeta => {
            if !t.raw_data.is_empty() {
                decode_raw(&t.raw_data)?
            } else if !t.float_data.is_empty() {
                t.float_data.iter().map(|v| f64::from(*v)).collect()
            } else if !t.double_data.is_empty() {
                t.double_data.clone()
            } else if !t.int64_data.is_empty() {
                t.int64_data.iter().map(|v| *v as f64).collect()
            } else if matches!(t.data_type, dt::FLOAT16 | dt::BFLOAT16) {
                t.int32_data
                    .iter()
                    .map(|v| {
                        let bits = (*v as u16).to_le_bytes();
                        if t.data_type == dt::FLOAT16 {
                            f64::from(half::f16::from_le_bytes(bits))
                        } else {
                            f64::from(half::bf16::from_le_bytes(bits))
                        }
                    })
                    .collect()
            } else {
                t.int32_data
                    .iter()
                    .map(|v| match t.data_type {
                        dt::INT8 => f64::from(*v as i8),
                        dt::UINT8 => f64::from(*v as u8),
                        _ => f64::from(*v),
                    })
                    .collect()
            }
        }
    };
    (values.len() as u64 == n).then_some((dims, values))
}

/// The axis a broadcast scale of `dims` follows for a storage matrix `rows` × `cols`.
fn broadcast_axis(dims: &[u64], n: usize, rows: u64, cols: u64) -> Option<Axis> {
    if n == 1 {
        return Some(Axis::Tensor);
    }
    let non_unit: Vec<(usize, u64)> = dims
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, d)| *d != 1)
        .collect();
    match non_unit.as_slice() {
        // [C] or [1, C]: follows the last (column) axis.
        [(i, d)] if *i == dims.len() - 1 && *d == cols => Some(Axis::Col),
        // [R, 1]: follows the first (row) axis.
        [(0, d)] if dims.len() >= 2 && *d == rows => Some(Axis::Row),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn dequant_of(
    name: &str,
    u: &Use,
    by_name: &HashMap<&str, &Initializer>,
    graph: &Graph<'_>,
    src: &dyn ReadAt,
    rows: u64,
    cols: u64,
    rank: usize,
) -> Option<Dequant> {
    let small = |n: &str| small_values(n, by_name, graph, src);
    let ints = |v: Vec<f64>| v.into_iter().map(|x| x as i32).collect::<Vec<i32>>();
    if let Some((scale, zero, axis)) = &u.dequantize_linear {
        let (_, sv) = small(scale)?;
        let axis = if sv.len() == 1 {
            Axis::Tensor
        } else {
            let a = if *axis < 0 {
                *axis + rank as i64
            } else {
                *axis
            };
            match a {
                0 if sv.len() as u64 == rows => Axis::Row,
                1 if rank == 2 && sv.len() as u64 == cols => Axis::Col,
                _ => return None,
            }
        };
        let z = match zero {
            Some(z) => ints(small(z)?.1),
            None => Vec::new(),
        };
        return Some(Dequant {
            scale_axis: axis,
            scale: sv.into_iter().map(|x| x as f32).collect(),
            zero_axis: axis,
            zero: z,
        })
        .filter(|d| d.fits(rows, cols));
    }
    if let Some(scale) = &u.mul_scale {
        let (sd, sv) = small(scale)?;
        let axis = broadcast_axis(&sd, sv.len(), rows, cols)?;
        let (zero_axis, zero) = match &u.sub_zero {
            Some(z) => {
                let (zd, zv) = small(z)?;
                (broadcast_axis(&zd, zv.len(), rows, cols)?, ints(zv))
            }
            None => (Axis::Tensor, Vec::new()),
        };
        return Some(Dequant {
            scale_axis: axis,
            scale: sv.into_iter().map(|x| x as f32).collect(),
            zero_axis,
            zero,
        })
        .filter(|d| d.fits(rows, cols));
    }
    // onnxruntime's naming convention: <base>_scale and <base>_zero_point.
    let base = names::strip_quant_suffix(name);
    let (sd, sv) = small(&format!("{base}_scale"))?;
    let axis = broadcast_axis(&sd, sv.len(), rows, cols)
        .or_else(|| (sv.len() as u64 == cols && rank == 2).then_some(Axis::Col))?;
    let zero = small(&format!("{base}_zero_point"))
        .map(|(_, z)| ints(z))
        .unwrap_or_default();
    let zero_axis = if zero.len() <= 1 { Axis::Tensor } else { axis };
    Some(Dequant {
        scale_axis: axis,
        scale: sv.into_iter().map(|x| x as f32).collect(),
        zero_axis,
        zero,
    })
    .filter(|d| d.fits(rows, cols))
}

/// Writes minimal ONNX models for tests and fuzz seeds with prost (spec/fingerprint.md §7).
pub mod build {
    use prost::Message;

    pub use super::proto::{AttributeProto, NodeProto, StringStringEntryProto, TensorProto};

    /// `ModelProto` with its `graph` (a writer-side message; the reader walks these fields
    /// itself).
    #[derive(Clone, PartialEq, Message)]
    pub struct ModelProto {
        /// IR version.
        #[prost(int64, tag = "1")]
        pub ir_version: i64,
        /// The graph.
        #[prost(message, optional, tag = "7")]
        pub graph: Option<GraphProto>,
    }

    /// `GraphProto`: nodes, name and initializers.
    #[derive(Clone, PartialEq, Message)]
    pub struct GraphProto {
        /// Nodes.
        #[prost(message, repeated, tag = "1")]
        pub node: Vec<NodeProto>,
        /// Graph name.
        #[prost(string, tag = "2")]
        pub name: String,
        /// Initializers.
        #[prost(message, repeated, tag = "5")]
        pub initializer: Vec<TensorProto>,
    }

    /// A float initializer stored as `raw_data`.
    pub fn f32_tensor(name: &str, dims: &[i64], values: &[f32]) -> TensorProto {
        TensorProto {
            name: name.into(),
            dims: dims.to_vec(),
            data_type: super::dt::FLOAT,
            raw_data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            ..TensorProto::default()
        }
    }

    /// An `INT8` initializer stored as `raw_data`.
    pub fn i8_tensor(name: &str, dims: &[i64], values: &[i8]) -> TensorProto {
        TensorProto {
            name: name.into(),
            dims: dims.to_vec(),
            data_type: super::dt::INT8,
            raw_data: values.iter().map(|v| *v as u8).collect(),
            ..TensorProto::default()
        }
    }

    /// A node.
    pub fn node(
        op: &str,
        inputs: &[&str],
        outputs: &[&str],
        attrs: Vec<AttributeProto>,
    ) -> NodeProto {
        NodeProto {
            op_type: op.into(),
            input: inputs.iter().map(|s| (*s).into()).collect(),
            output: outputs.iter().map(|s| (*s).into()).collect(),
            attribute: attrs,
            ..NodeProto::default()
        }
    }

    /// An integer attribute.
    pub fn attr_i(name: &str, i: i64) -> AttributeProto {
        AttributeProto {
            name: name.into(),
            i,
            r#type: 2,
            ..AttributeProto::default()
        }
    }

    /// An integer-list attribute.
    pub fn attr_ints(name: &str, ints: &[i64]) -> AttributeProto {
        AttributeProto {
            name: name.into(),
            ints: ints.to_vec(),
            r#type: 7,
            ..AttributeProto::default()
        }
    }

    /// The encoded model.
    pub fn model(nodes: Vec<NodeProto>, initializers: Vec<TensorProto>) -> Vec<u8> {
        ModelProto {
            ir_version: 8,
            graph: Some(GraphProto {
                node: nodes,
                name: "g".into(),
                initializer: initializers,
            }),
        }
        .encode_to_vec()
    }
}

#[cfg(test)]
mod tests;
