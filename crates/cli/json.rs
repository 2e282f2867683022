//! Machine-readable output (spec/json-output.md): every JSON document sceau prints about its own
//! work carries `schema_version` as its first member, and under `--json` (or `--format json`) a
//! refusal is a JSON object on standard output too, beside the text on standard error.
//!
//! Every command prints its JSON through [`print`] or [`to_bytes`], and `main` prints every
//! refusal through [`print_error`] or [`print_usage_error`]: the version and the error object
//! live here and nowhere else.
use std::ffi::OsString;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{CliError, EXIT_FAILED, EXIT_USAGE};

/// The version of the JSON sceau prints (spec/json-output.md §2). Raised when a member is
/// removed or renamed, or changes type or meaning; adding a member does not raise it.
pub const SCHEMA_VERSION: u64 = 1;

/// The name of the member holding [`SCHEMA_VERSION`].
pub const VERSION_KEY: &str = "schema_version";

/// `v` as a JSON object whose first member is `schema_version` (spec/json-output.md §1).
///
/// Every document sceau prints is an object; should a value of another shape come here, it is
/// kept under `value` so that the version is still at the top.
pub fn versioned<T: Serialize>(v: &T) -> Result<Value, CliError> {
    let v = serde_json::to_value(v).map_err(anyhow::Error::from)?;
    let mut m = Map::new();
    m.insert(VERSION_KEY.into(), SCHEMA_VERSION.into());
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k != VERSION_KEY {
                    m.insert(k, x);
                }
            }
        }
        other => {
            m.insert("value".into(), other);
        }
    }
    Ok(Value::Object(m))
}

/// [`versioned`] `v`, pretty-printed, ending in a newline: what `--format json` writes to a
/// file or standard output.
pub fn to_bytes<T: Serialize>(v: &T) -> Result<Vec<u8>, CliError> {
    let mut out = serde_json::to_vec_pretty(&versioned(v)?).map_err(anyhow::Error::from)?;
    out.push(b'\n');
    Ok(out)
}

/// Prints [`versioned`] `v` on standard output, pretty, with a final newline.
pub fn print<T: Serialize>(v: &T) -> Result<(), CliError> {
    let bytes = to_bytes(v)?;
    crate::out::write_stdout(&bytes);
    Ok(())
}

/// What kind of refusal an error object reports (its `code`, spec/json-output.md §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// The command line could not be parsed (exit 2).
    Usage,
    /// An input could not be used: a missing, unreadable or malformed file, a bad value,
    /// an output that may not be written (exit 2).
    Input,
    /// What was given was read, and does not verify (exit 1).
    VerificationFailed,
}

impl ErrorCode {
    /// The `code` member.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Usage => "usage",
            ErrorCode::Input => "input",
            ErrorCode::VerificationFailed => "verification-failed",
        }
    }

    /// The exit code that goes with it.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorCode::Usage | ErrorCode::Input => EXIT_USAGE,
            ErrorCode::VerificationFailed => EXIT_FAILED,
        }
    }
}

/// The error object: `{schema_version, code, exit_code, message, causes, hint}`.
pub fn error_object(
    code: ErrorCode,
    message: &str,
    causes: &[String],
    hint: Option<&str>,
) -> Value {
    serde_json::json!({
        VERSION_KEY: SCHEMA_VERSION,
        "code": code.as_str(),
        "exit_code": code.exit_code(),
        "message": message,
        "causes": causes,
        "hint": hint,
    })
}

fn print_value(v: &Value) {
    // A Value with string keys always serialises.
    let mut bytes = serde_json::to_vec_pretty(v).unwrap_or_default();
    bytes.push(b'\n');
    crate::out::write_stdout(&bytes);
}

/// Prints the error object of a command's refusal on standard output. Its `code` follows the
/// exit code: 1 is a verification failure, anything else an input error.
pub fn print_error(e: &CliError) {
    let code = if e.code == EXIT_FAILED {
        ErrorCode::VerificationFailed
    } else {
        ErrorCode::Input
    };
    let causes: Vec<String> = e.error.chain().skip(1).map(|c| c.to_string()).collect();
    print_value(&error_object(
        code,
        &e.error.to_string(),
        &causes,
        e.hint.as_deref(),
    ));
}

/// Prints the error object of a command line clap refused (code `usage`): the message is
/// clap's `error:` line, the hint its `tip:` lines, else its usage line, else its "For more
/// information" line.
pub fn print_usage_error(e: &clap::Error) {
    let text = e.render().to_string();
    let mut message = None;
    let mut tips = Vec::new();
    let mut usage = None;
    let mut more = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(m) = t.strip_prefix("error: ") {
            message.get_or_insert_with(|| m.to_owned());
        } else if let Some(tip) = t.strip_prefix("tip: ") {
            tips.push(tip.to_owned());
        } else if t.starts_with("Usage: ") {
            usage.get_or_insert_with(|| format!("{t} (--help for every option)"));
        } else if t.starts_with("For more information") {
            more.get_or_insert_with(|| t.to_owned());
        }
    }
    let message = message.unwrap_or_else(|| e.kind().to_string());
    let hint = if tips.is_empty() {
        usage.or(more)
    } else {
        Some(tips.join("; "))
    };
    print_value(&error_object(
        ErrorCode::Usage,
        &message,
        &[],
        hint.as_deref(),
    ));
}

/// Whether a command line clap refused asked for JSON: `--json`, `--format json` or
/// `--format=json` before any `--`. (A command line that parses says it through
/// [`crate::args::Command::json_output`].)
pub fn requested(argv: &[OsString]) -> bool {
    let mut prev_format = false;
    for a in argv.iter().skip(1) {
        let Some(a) = a.to_str() else {
            prev_format = false;
            continue;
        };
        if a == "--" {
            return false;
        }
        if a == "--json" || a == "--format=json" || (prev_format && a == "json") {
            return true;
        }
        prev_format = a == "--format";
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(a: &[&str]) -> Vec<OsString> {
        std::iter::once("sceau")
            .chain(a.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn the_version_comes_first_and_replaces_any_other() {
        let Ok(v) = versioned(&serde_json::json!({"a": 1, "schema_version": 99, "b": 2})) else {
            panic!("an object serialises")
        };
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["schema_version", "a", "b"]);
        assert_eq!(v["schema_version"], SCHEMA_VERSION);
        let Ok(w) = versioned(&[1, 2]) else {
            panic!("an array serialises")
        };
        assert_eq!(w["value"], serde_json::json!([1, 2]));
    }

    #[test]
    fn json_is_requested_by_flag_or_format_before_a_double_dash() {
        assert!(requested(&argv(&["verify", "--json", "--bogus"])));
        assert!(requested(&argv(&["lineage", "r", "--format", "json"])));
        assert!(requested(&argv(&["report", "--format=json"])));
        assert!(!requested(&argv(&["lineage", "--format", "dot", "json"])));
        assert!(!requested(&argv(&["verify", "--", "--json"])));
        assert!(!requested(&argv(&["verify", "--record", "r"])));
    }

    #[test]
    fn error_codes_go_with_their_exit_codes() {
        let o = error_object(ErrorCode::VerificationFailed, "m", &[], Some("h"));
        assert_eq!(o["code"], "verification-failed");
        assert_eq!(o["exit_code"], 1);
        let o = error_object(ErrorCode::Usage, "m", &["c".into()], None);
        assert_eq!(o["exit_code"], 2);
        assert_eq!(o["hint"], Value::Null);
        assert_eq!(o["causes"][0], "c");
    }
}
