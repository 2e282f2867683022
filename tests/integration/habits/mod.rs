//! Fitting the habits of the people who use sceau (issue 14): installing it and using it from a
//! shell (completions, manual page, long help), the versioned JSON outputs and their error
//! objects, and the SPDX 3.0.1 / CycloneDX export of a verified record.
mod export;
mod json_output;
mod readme;
mod shell;
