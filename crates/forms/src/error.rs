//! Why a form could not be filled.
use sceau_verify::record::RecordError;

/// An embedded field list that does not read or check (a bug caught by the tests of
/// [`crate::catalogue`]; never caused by input).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldListError {
    /// The data file is not valid TOML of the expected shape.
    #[error("the field list of {form} does not read: {message}")]
    Syntax {
        /// Which form.
        form: &'static str,
        /// The TOML reader's message.
        message: String,
    },
    /// The data file reads but is inconsistent.
    #[error("the field list of {form} is inconsistent: {what}")]
    Invalid {
        /// Which form.
        form: &'static str,
        /// What is wrong.
        what: String,
    },
}

/// A `config.json` that cannot be read (spec/forms.md §4.2). Its facts are then not used;
/// the form says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Over [`crate::config::MAX_CONFIG_BYTES`].
    #[error(
        "config.json is {len} bytes, over the limit of {} bytes",
        crate::config::MAX_CONFIG_BYTES
    )]
    TooLarge {
        /// Its size.
        len: usize,
    },
    /// Not JSON.
    #[error("config.json is not JSON: {message}")]
    Json {
        /// The JSON reader's message.
        message: String,
    },
    /// JSON, but not an object.
    #[error("config.json is not a JSON object")]
    NotAnObject,
}

/// Why no form was produced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormError {
    /// The record cannot be read at all (not a sceau record, malformed payload).
    #[error("the record cannot be read")]
    Record(#[source] RecordError),
    /// An embedded field list is broken.
    #[error(transparent)]
    FieldList(#[from] FieldListError),
    /// `--recipient` was given for a form that has no recipients.
    #[error("the {form} form has no recipients: it is one public document")]
    NoRecipients {
        /// Which form.
        form: &'static str,
    },
}
