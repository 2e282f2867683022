//! Tensor names: llama.cpp GGUF names mapped to Hugging Face names, roles guessed from names,
//! and the normalisation used to match names across formats (spec/fingerprint.md §4.3.1,
//! §2.6, §6.2).
use crate::sketch::Role;

/// The Hugging Face name of a llama.cpp GGUF tensor name for architecture `arch`
/// (`general.architecture`), or `None` when the name is not a standard one
/// (spec/fingerprint.md §4.3.1). Two families are mapped: BERT-like encoders (`bert`,
/// `nomic-bert`, `jina-bert-v2`) and llama-like decoders (every other architecture).
pub fn gguf_to_hf(arch: &str, name: &str) -> Option<String> {
    let bert = matches!(arch, "bert" | "nomic-bert" | "jina-bert-v2");
    let (stem, suffix) = match name.rsplit_once('.') {
        Some((s, x @ ("weight" | "bias"))) => (s, x),
        _ => return None,
    };
    if let Some(rest) = stem.strip_prefix("blk.") {
        let (layer, part) = rest.split_once('.')?;
        if layer.is_empty() || !layer.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let hf = if bert {
            match part {
                "attn_q" => "attention.self.query",
                "attn_k" => "attention.self.key",
                "attn_v" => "attention.self.value",
                "attn_output" => "attention.output.dense",
                "attn_output_norm" => "attention.output.LayerNorm",
                "ffn_up" => "intermediate.dense",
                "ffn_down" => "output.dense",
                "layer_output_norm" => "output.LayerNorm",
                _ => return None,
            }
        } else {
            match part {
                "attn_norm" => "input_layernorm",
                "attn_q" => "self_attn.q_proj",
                "attn_k" => "self_attn.k_proj",
                "attn_v" => "self_attn.v_proj",
                "attn_output" => "self_attn.o_proj",
                "ffn_norm" => "post_attention_layernorm",
                "ffn_gate" => "mlp.gate_proj",
                "ffn_up" => "mlp.up_proj",
                "ffn_down" => "mlp.down_proj",
                "attn_q_norm" => "self_attn.q_norm",
                "attn_k_norm" => "self_attn.k_norm",
                _ => return None,
            }
        };
        let prefix = if bert {
            "encoder.layer"
        } else {
            "model.layers"
        };
        return Some(format!("{prefix}.{layer}.{hf}.{suffix}"));
    }
    let hf = if bert {
        match stem {
            "token_embd" => "embeddings.word_embeddings",
            "position_embd" => "embeddings.position_embeddings",
            "token_types" => "embeddings.token_type_embeddings",
            "token_embd_norm" => "embeddings.LayerNorm",
            _ => return None,
        }
    } else {
        match stem {
            "token_embd" => "model.embed_tokens",
            "output_norm" => "model.norm",
            "output" => "lm_head",
            _ => return None,
        }
    };
    Some(format!("{hf}.{suffix}"))
}

/// Whether llama.cpp's converter permuted this tensor's rows for its rotary kernels: the query
/// and key projections of the `llama` family (spec/fingerprint.md §4.3.2).
pub fn gguf_rope_permuted(arch: &str, name: &str) -> bool {
    matches!(arch, "llama" | "mistral" | "granite" | "deci")
        && name.starts_with("blk.")
        && (name.ends_with(".attn_q.weight") || name.ends_with(".attn_k.weight"))
}

/// Fixed tables that independently trained models share, recognised by name
/// (spec/fingerprint.md §2.6). Matched ASCII case-insensitively as substrings of the name.
pub const BUFFER_PATTERNS: &[&str] = &[
    "position_ids",
    "inv_freq",
    "rotary_emb",
    "stft",
    "basis",
    "window",
    "mel_filters",
    "masked_bias",
    "causal_mask",
    "sinusoid",
];

/// Embedding and vocabulary-head names (spec/fingerprint.md §2.6).
pub const EMBEDDING_PATTERNS: &[&str] = &[
    "embed",
    "wte.",
    "wpe.",
    "token_embd",
    "position_embd",
    "token_types",
    "lm_head",
];

/// The role a tensor's name and dimension count suggest (spec/fingerprint.md §2.6). Readers
/// may promote a matrix to [`Role::Embedding`] from the graph (an ONNX `Gather` input).
pub fn role_of(name: &str, dims: &[u64]) -> Role {
    let lower = name.to_ascii_lowercase();
    if BUFFER_PATTERNS.iter().any(|p| lower.contains(p))
        || lower.ends_with(".attn.bias")
        || lower.ends_with("attn.masked_bias")
    {
        return Role::Buffer;
    }
    if dims.iter().filter(|&&d| d > 1).count() < 2 {
        return Role::Vector;
    }
    if EMBEDDING_PATTERNS.iter().any(|p| lower.contains(p)) {
        return Role::Embedding;
    }
    Role::Matrix
}

/// Whether a name is an exporter's placeholder rather than the model's name: `onnx::…`,
/// `val_123`, `_v_123`, `/…/…_output_0`, a bare number, or such a name with a quantisation
/// suffix (spec/fingerprint.md §4.4.2).
pub fn is_anonymous(name: &str) -> bool {
    let base = strip_quant_suffix(name);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    base.contains("::")
        || base.starts_with('/')
        || base.strip_prefix("val_").is_some_and(digits)
        || base.strip_prefix("_v_").is_some_and(digits)
        || base.strip_prefix("initializer_").is_some_and(digits)
        || digits(base)
}

/// The name without a quantisation suffix added by ONNX quantisers (`_quantized`, `_q`,
/// `_int8`, `_uint8`).
pub fn strip_quant_suffix(name: &str) -> &str {
    for s in ["_quantized", "_int8", "_uint8", "_q"] {
        if let Some(b) = name.strip_suffix(s) {
            if !b.is_empty() {
                return b;
            }
        }
    }
    name
}

/// Dotted components of a name after normalisation: `/` and `:` read as `.`, empty components
/// dropped (spec/fingerprint.md §6.2).
pub fn components(name: &str) -> Vec<&str> {
    name.split(['.', '/', ':'])
        .filter(|c| !c.is_empty())
        .collect()
}

/// Length of the common suffix of two names' components (spec/fingerprint.md §6.2).
pub fn common_suffix(a: &[&str], b: &[&str]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_bert_and_llama_names() {
        assert_eq!(
            gguf_to_hf("bert", "blk.3.attn_q.weight").as_deref(),
            Some("encoder.layer.3.attention.self.query.weight")
        );
        assert_eq!(
            gguf_to_hf("bert", "token_embd.weight").as_deref(),
            Some("embeddings.word_embeddings.weight")
        );
        assert_eq!(
            gguf_to_hf("bert", "blk.0.layer_output_norm.bias").as_deref(),
            Some("encoder.layer.0.output.LayerNorm.bias")
        );
        assert_eq!(
            gguf_to_hf("llama", "blk.12.ffn_gate.weight").as_deref(),
            Some("model.layers.12.mlp.gate_proj.weight")
        );
        assert_eq!(
            gguf_to_hf("llama", "output.weight").as_deref(),
            Some("lm_head.weight")
        );
        assert_eq!(gguf_to_hf("llama", "blk.x.attn_q.weight"), None);
        assert_eq!(gguf_to_hf("llama", "blk.1.unknown.weight"), None);
        assert_eq!(gguf_to_hf("llama", "rope_freqs.weight"), None);
        assert_eq!(gguf_to_hf("llama", "token_embd"), None);
        assert!(gguf_rope_permuted("llama", "blk.0.attn_k.weight"));
        assert!(!gguf_rope_permuted("qwen2", "blk.0.attn_k.weight"));
        assert!(!gguf_rope_permuted("llama", "blk.0.attn_v.weight"));
    }

    #[test]
    fn roles() {
        assert_eq!(role_of("embeddings.position_ids", &[1, 512]), Role::Buffer);
        assert_eq!(role_of("model.rotary_emb.inv_freq", &[64]), Role::Buffer);
        assert_eq!(role_of("h.0.attn.bias", &[1, 1, 8, 8]), Role::Buffer);
        assert_eq!(role_of("h.0.attn.c_attn.bias", &[2304]), Role::Vector);
        assert_eq!(role_of("encoder.LayerNorm.weight", &[384]), Role::Vector);
        assert_eq!(role_of("x.weight", &[1, 384]), Role::Vector);
        assert_eq!(
            role_of("embeddings.word_embeddings.weight", &[30522, 384]),
            Role::Embedding
        );
        assert_eq!(role_of("lm_head.weight", &[32000, 4096]), Role::Embedding);
        assert_eq!(
            role_of("encoder.layer.0.attention.self.query.weight", &[384, 384]),
            Role::Matrix
        );
    }

    #[test]
    fn anonymous_names() {
        for n in [
            "onnx::MatMul_470",
            "val_109",
            "val_109_q",
            "_v_12",
            "/encoder/MatMul_output_0",
            "123",
            "initializer_4",
        ] {
            assert!(is_anonymous(n), "{n}");
        }
        for n in [
            "encoder.layer.0.attention.self.query.weight",
            "val_scale",
            "value.weight",
            "valve_3",
        ] {
            assert!(!is_anonymous(n), "{n}");
        }
        assert_eq!(strip_quant_suffix("w_quantized"), "w");
        assert_eq!(strip_quant_suffix("_q"), "_q");
    }

    #[test]
    fn suffixes() {
        let a = components("model.0.auto_model.encoder.layer.0.attention.self.query.weight");
        let b = components("encoder.layer.0.attention.self.query.weight");
        assert_eq!(common_suffix(&a, &b), 7);
        assert_eq!(common_suffix(&components("a/b:c"), &components("x.b.c")), 2);
    }
}
