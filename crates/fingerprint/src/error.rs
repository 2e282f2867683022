//! Errors of fingerprinting a file and of decoding a stored fingerprint, and the reasons a
//! tensor is left out of a fingerprint (spec/fingerprint.md §4.1, §5.3, §2.6).
use std::fmt;
use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::storage::SampleError;

/// Why a weight file could not be read (spec/fingerprint.md §4). Offsets are byte offsets
/// from the start of the file; names come from the file and are printed with `{:?}`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The source failed for a reason other than ending early.
    #[error("reading {what} at offset {offset} failed: {source}")]
    Io {
        /// What was being read.
        what: &'static str,
        /// Where.
        offset: u64,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The file ends inside a field.
    #[error("file ends inside {what} at offset {offset}")]
    Truncated {
        /// The field.
        what: &'static str,
        /// Where it starts.
        offset: u64,
    },
    /// A declared length needs more bytes than remain in the file (or in the enclosing
    /// message).
    #[error("{what} at offset {offset} declares {declared} bytes but only {remaining} remain")]
    LengthExceedsFile {
        /// What the length is of.
        what: &'static str,
        /// Where it was read.
        offset: u64,
        /// Bytes it needs.
        declared: u64,
        /// Bytes left.
        remaining: u64,
    },
    /// A length or count is above this crate's cap for it (spec/fingerprint.md §4.5).
    #[error("{what} is {declared}, over the limit of {limit}")]
    LimitExceeded {
        /// What is counted.
        what: &'static str,
        /// The value in the file.
        declared: u64,
        /// The cap.
        limit: u64,
    },
    /// The safetensors header is not the expected JSON (spec/scan-headers.md §5.3).
    #[error("safetensors header is not the expected JSON: {source}")]
    InvalidJson {
        /// The JSON parser's message.
        #[source]
        source: serde_json::Error,
    },
    /// The file does not start with the format's magic bytes.
    #[error("not a {format} file: it starts with {found:02x?}")]
    BadMagic {
        /// The format expected.
        format: &'static str,
        /// The first bytes.
        found: [u8; 4],
    },
    /// A GGUF version other than 2 or 3 (big-endian files included).
    #[error("GGUF version {version:#x} is not supported (only little-endian versions 2 and 3)")]
    UnsupportedVersion {
        /// The version field as read little-endian.
        version: u32,
    },
    /// A string is not UTF-8.
    #[error("{what} at offset {offset} is not valid UTF-8")]
    InvalidUtf8 {
        /// What the string is.
        what: &'static str,
        /// Where it starts.
        offset: u64,
    },
    /// A name appears twice.
    #[error("tensor name {name:?} appears twice")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// A safetensors tensor's `data_offsets` begin after they end.
    #[error("tensor {tensor:?} has data_offsets [{begin}, {end}]: begin is after end")]
    InvalidOffsets {
        /// The tensor.
        tensor: String,
        /// First offset.
        begin: u64,
        /// Second offset.
        end: u64,
    },
    /// A tensor's bytes lie outside the file's data.
    #[error("tensor {tensor:?} ends at byte {end}, past the {limit} bytes available")]
    TensorOutOfBounds {
        /// The tensor.
        tensor: String,
        /// Where its data ends.
        end: u64,
        /// Where the data available ends.
        limit: u64,
    },
    /// A tensor's byte size does not match its shape and type.
    #[error("tensor {tensor:?} spans {actual} bytes but its shape and type need {expected}")]
    SizeMismatch {
        /// The tensor.
        tensor: String,
        /// Bytes needed.
        expected: u64,
        /// Bytes given.
        actual: u64,
    },
    /// A row is not a whole number of quantisation blocks.
    #[error("tensor {tensor:?} has rows of {elements} elements, not a multiple of {multiple}")]
    PartialBlock {
        /// The tensor.
        tensor: String,
        /// Elements per row.
        elements: u64,
        /// Block size.
        multiple: u64,
    },
    /// An ONNX tensor has a negative dimension.
    #[error("tensor {tensor:?} has a negative dimension")]
    NegativeDim {
        /// The tensor.
        tensor: String,
    },
    /// An ONNX protobuf wire type this reader does not accept (groups).
    #[error(
        "ONNX field {tag} at offset {offset} uses wire type {wire_type}, which ONNX does not use"
    )]
    UnsupportedWireType {
        /// Field number.
        tag: u32,
        /// Wire type code.
        wire_type: u64,
        /// Where the key starts.
        offset: u64,
    },
    /// A product or sum of header values overflows 64 bits.
    #[error("{what} of tensor {tensor:?} overflows 64 bits")]
    Overflow {
        /// What was computed.
        what: &'static str,
        /// The tensor.
        tensor: String,
    },
    /// A GGUF metadata value type or a structure the reader cannot skip.
    #[error("GGUF metadata key {key:?} has unknown value type {value_type}")]
    UnknownValueType {
        /// The key.
        key: String,
        /// The type code.
        value_type: u32,
    },
    /// A GGUF alignment that is not a power of two.
    #[error("general.alignment is {alignment}, not a power of two")]
    InvalidAlignment {
        /// The value.
        alignment: u64,
    },
    /// ONNX protobuf that prost cannot decode (spec/fingerprint.md §4.4).
    #[error("ONNX {what} at offset {offset} does not decode: {source}")]
    Protobuf {
        /// The message or field.
        what: &'static str,
        /// Where it starts.
        offset: u64,
        /// prost's error.
        #[source]
        source: prost::DecodeError,
    },
    /// Reading sampled elements failed.
    #[error("reading the sampled elements of tensor {tensor:?} failed: {source}")]
    Sample {
        /// The tensor.
        tensor: String,
        /// What failed.
        #[source]
        source: SampleError,
    },
}

/// Why fingerprinting a file failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FingerprintError {
    /// The file could not be opened or its length read.
    #[error("{}: cannot open: {source}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The file name's extension names no format this crate reads (spec/fingerprint.md §4.1).
    #[error("{}: not a .safetensors, .gguf or .onnx file", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The file's content could not be read as its format.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: ReadError,
    },
}

/// Why a stored fingerprint could not be decoded (spec/fingerprint.md §5.3).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The property value is not base64 (RFC 4648, standard alphabet, padded).
    #[error("fingerprint value is not base64")]
    Base64,
    /// The bytes do not start with the fingerprint magic `SCFP`.
    #[error("fingerprint does not start with the magic \"SCFP\"")]
    BadMagic,
    /// A format version this build does not read.
    #[error("fingerprint format version {found} is not supported (this build reads version {supported})")]
    UnsupportedVersion {
        /// The version in the data.
        found: u8,
        /// The version this build reads.
        supported: u8,
    },
    /// The data ends inside a field.
    #[error("fingerprint ends inside {what} at byte {offset}")]
    Truncated {
        /// The field.
        what: &'static str,
        /// Where it starts.
        offset: usize,
    },
    /// A count or length is outside its bounds.
    #[error("fingerprint {what} is {value}, outside {min}..={max}")]
    OutOfRange {
        /// The field.
        what: &'static str,
        /// The value.
        value: u64,
        /// Smallest accepted.
        min: u64,
        /// Largest accepted.
        max: u64,
    },
    /// A code (dtype, role) that this version does not define.
    #[error("fingerprint {what} code {code} is unknown")]
    UnknownCode {
        /// The field.
        what: &'static str,
        /// The code.
        code: u8,
    },
    /// A name is not UTF-8.
    #[error("fingerprint tensor name at byte {offset} is not UTF-8")]
    InvalidUtf8 {
        /// Where it starts.
        offset: usize,
    },
    /// A value that must be finite is not.
    #[error("fingerprint {what} of tensor {tensor:?} is not finite")]
    NonFinite {
        /// The field.
        what: &'static str,
        /// The tensor.
        tensor: String,
    },
    /// Tensors are not in strictly increasing name order (so a name appears twice or the
    /// encoding is not canonical).
    #[error("fingerprint tensor {name:?} is out of order or repeated")]
    NotCanonical {
        /// The name.
        name: String,
    },
    /// Bytes follow the last tensor.
    #[error("fingerprint has {extra} bytes after its last tensor")]
    TrailingBytes {
        /// How many.
        extra: usize,
    },
}

/// Why a tensor has no sketch (spec/fingerprint.md §2.6). Recorded in the fingerprint's
/// `skipped` list; not carried in the stored form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "reason")]
#[non_exhaustive]
pub enum SkipReason {
    /// Integer or boolean tensor: indices, masks, counters, not weights.
    Integer {
        /// Its element type as the file names it.
        dtype: String,
    },
    /// An element type this crate does not decode (FP8, 4-bit safetensors types, ggml
    /// K-quants and others).
    UnsupportedType {
        /// Its element type as the file names it.
        dtype: String,
    },
    /// Fewer than [`crate::MIN_ELEMENTS`] elements: scalars and tiny tensors correlate by
    /// chance (a one-element tensor always scores ±1).
    Tiny {
        /// Its element count.
        elements: u64,
    },
    /// All sampled values are equal after centring.
    Constant,
    /// A sampled value is NaN or infinite.
    NonFinite,
    /// The name is longer than [`crate::MAX_NAME_BYTES`].
    NameTooLong,
    /// An ONNX scale or zero point of a quantised weight: part of that weight, not a weight.
    QuantizationParameter,
    /// An ONNX integer initializer whose scale was not found in the graph.
    NoScale,
    /// An ONNX payload this crate does not sample: varint-packed typed data too large to
    /// decode whole, or string data.
    UnsupportedPayload,
    /// ONNX external data that could not be used (spec/fingerprint.md §4.4.4).
    ExternalData {
        /// Why.
        why: String,
    },
    /// More dimensions than [`crate::MAX_DIMS`].
    TooManyDims,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Integer { dtype } => write!(f, "integer tensor ({dtype})"),
            SkipReason::UnsupportedType { dtype } => write!(f, "element type {dtype} not read"),
            SkipReason::Tiny { elements } => write!(f, "only {elements} elements"),
            SkipReason::Constant => f.write_str("constant values"),
            SkipReason::NonFinite => f.write_str("NaN or infinite values"),
            SkipReason::NameTooLong => f.write_str("name too long"),
            SkipReason::QuantizationParameter => {
                f.write_str("scale or zero point of a quantised weight")
            }
            SkipReason::NoScale => f.write_str("quantised without a scale found in the graph"),
            SkipReason::UnsupportedPayload => f.write_str("payload encoding not sampled"),
            SkipReason::ExternalData { why } => write!(f, "external data: {why}"),
            SkipReason::TooManyDims => f.write_str("too many dimensions"),
        }
    }
}
