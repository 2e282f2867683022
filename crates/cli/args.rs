//! Command-line arguments (clap). Raw values only: `settings` checks them before any I/O.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// sceau seals AI model releases: a CycloneDX bill of materials of every file, signed by the
/// maintainers' own keys, verifiable offline by anyone.
#[derive(Parser, Debug)]
#[command(name = "sceau", version, about, long_about = None)]
#[command(after_help = "Exit codes: 0 ok, 1 verification failed, 2 usage or input error.")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan a release folder and write its bill of materials (CycloneDX 1.6 by default,
    /// CycloneDX 1.7 or SPDX 3.0.1 on request).
    Scan(ScanArgs),
    /// Make a new ed25519 key pair: NAME.key (secret, encrypted) and NAME.pub.
    Keygen(KeygenArgs),
    /// Work with key files.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Scan a release folder and sign its record (in-toto Statement in a DSSE envelope).
    Sign(SignArgs),
    /// Add a maintainer's signature to an existing record (k-of-n co-signing).
    Countersign(CountersignArgs),
    /// Verify a folder (or a record alone) against a signed record.
    Verify(Box<VerifyArgs>),
    /// Show what a record claims, WITHOUT verifying it.
    Inspect(InspectArgs),
    /// Make, update, co-sign and show trust policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Work with a record store (records addressed by the digest of their payload).
    #[command(subcommand)]
    Store(StoreCommand),
    /// Draw a release's family tree from signed records, each node with its verification status.
    Lineage(LineageArgs),
    /// Compute the Model Openness Framework class and the OSI Open Source AI Definition items
    /// a signed record supports; fail (exit 1) on open washing, a claimed openness the record
    /// does not support.
    Openness(OpennessArgs),
    /// Compare a published model card with the verified record, field by field; fail (exit 1)
    /// on any contradiction.
    Check(CheckArgs),
    /// A certifier attests that a signed release record meets requirements of a standard
    /// (a signed in-toto attestation with a CycloneDX 1.6 declarations BOM).
    Certify(CertifyArgs),
    /// Report what a record covers of a regulation's documentation duties (e.g. the EU AI
    /// Act for general-purpose AI models), and what is missing.
    Report(ReportArgs),
    /// An ancestor's maintainers sign a licence grant: one derived release may use a licence
    /// the ancestor's terms would otherwise forbid (verifiers take it with --grant).
    Grant(GrantArgs),
    /// Verify a record, then write its release as an SPDX 3.0.1 document (AI and Dataset
    /// profiles) or as CycloneDX, with its verified ancestors (spec/spdx.md §7).
    Export(ExportArgs),
    /// Print the shell completion script for SHELL on standard output.
    Completions(CompletionsArgs),
    /// Print sceau's manual page (roff) on standard output.
    Man(ManArgs),
    /// Find the signed releases of a store that a release's weights derive from: a copy, a
    /// re-export, a quantisation or a fine-tune published as an original (exit 1 when one is
    /// not declared as an ancestor).
    Match(MatchArgs),
}

impl Command {
    /// Whether the command prints JSON on standard output (`--json`, or `--format json`):
    /// a refusal is then a JSON object too (spec/json-output.md §3). A new command that prints
    /// JSON says so here.
    pub fn json_output(&self) -> bool {
        match self {
            Command::Scan(a) => a.json,
            Command::Sign(a) => a.json,
            Command::Verify(a) => a.json,
            Command::Inspect(a) => a.json,
            Command::Key(KeyCommand::Show(a)) => a.json,
            Command::Policy(PolicyCommand::Show(a)) => a.json,
            Command::Lineage(a) => a.format == LineageFormat::Json,
            Command::Openness(a) => a.json,
            Command::Check(a) => a.json,
            Command::Certify(a) => a.json,
            Command::Report(a) => a.format == ReportFormat::Json,
            Command::Grant(a) => a.json,
            Command::Export(a) => a.json,
            Command::Match(a) => a.json,
            Command::Keygen(_)
            | Command::Countersign(_)
            | Command::Policy(_)
            | Command::Store(_)
            | Command::Completions(_)
            | Command::Man(_) => false,
        }
    }
}

/// `sceau export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The release record (a DSSE envelope written by `sceau sign`).
    ///
    /// It is verified first, as `sceau verify --record RECORD` verifies it without a folder
    /// (signatures under --key or --policy, signing time, its lineage through --store and
    /// --with); nothing is written unless it verifies.
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,

    #[command(flatten)]
    pub trust: TrustArgs,

    #[command(flatten)]
    pub ancestry: AncestryArgs,

    /// What to write: `spdx3` (default), an SPDX 3.0.1 JSON-LD document with the AI and Dataset
    /// profiles whose model is `descendantOf` each verified ancestor (spec/spdx.md §7), or
    /// `cyclonedx`, the record's signed CycloneDX BOM (spec/bom.md).
    #[arg(long, value_enum, default_value_t = BomFormat::Spdx3)]
    pub format: BomFormat,

    /// CycloneDX version: 1.6 (default: the signed BOM, byte for byte its content) or 1.7 (the
    /// same release mapped to 1.7, spec/bom.md §1.4). Only with --format cyclonedx.
    #[arg(long, value_name = "VERSION", value_parser = ["1.6", "1.7"])]
    pub spec_version: Option<String>,

    /// Write to FILE instead of standard output (atomically; --force to replace).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,

    /// Print a summary as JSON on standard output (needs -o FILE: the document and the
    /// summary cannot share standard output).
    #[arg(long)]
    pub json: bool,
}

/// `sceau completions`.
#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for: bash, zsh, fish, powershell or elvish.
    ///
    /// bash: `source <(sceau completions bash)` in ~/.bashrc, or save it as
    /// ~/.local/share/bash-completion/completions/sceau. zsh: save it as `_sceau` in a folder
    /// of $fpath. fish: save it as ~/.config/fish/completions/sceau.fish.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `sceau man`.
#[derive(Args, Debug)]
pub struct ManArgs {
    /// A subcommand whose page to print (`verify`, `policy init`, …); without it, the page of
    /// sceau itself, which lists the subcommands.
    ///
    /// Read it with `sceau man | man -l -`, or install it: `sceau man > ~/.local/share/man/man1/sceau.1`.
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// `sceau match`.
#[derive(Args, Debug)]
pub struct MatchArgs {
    /// The release to examine: its record (its recorded weight fingerprints are compared, and
    /// its declared ancestors honoured), or its folder (its weight files are fingerprinted
    /// now; a folder declares no ancestor).
    #[arg(value_name = "RECORD_OR_DIR")]
    pub subject: PathBuf,

    /// The record store to search (see `sceau store add`). Only records that verify under
    /// --key / --policy count.
    ///
    /// When the record examined verifies too, the earlier signing time is the ancestor: a
    /// store record signed later that shares its weights is reported, not failed.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,

    #[command(flatten)]
    pub trust: TrustArgs,

    /// Print the result as JSON on standard output instead of text: the release examined,
    /// every store record compared with its classification and evidence (matched tensors,
    /// similarity), and which ones are undeclared ancestors. The exit code is the same.
    #[arg(long)]
    pub json: bool,
}

/// Whom to trust, and when: shared by every command that verifies a record (verify, lineage,
/// openness, check, report).
#[derive(Args, Debug, Clone, Default)]
pub struct TrustArgs {
    /// Trust these public keys (repeatable). Any supported encoding (spec/keys.md §2).
    ///
    /// Each distinct key counts once toward --threshold, however many signatures or key ids
    /// it appears under; a record's keyid fields are only hints. With --key every key is
    /// trusted for every release name, the ancestors' included: to tell who may sign which
    /// release, use a policy's release scopes. Cannot be combined with --policy.
    #[arg(long, value_name = "PUB", conflicts_with = "policy")]
    pub key: Vec<PathBuf>,

    /// Trust what a signed trust policy says (maintainers, threshold, expiry, revocations,
    /// certifiers, release scopes).
    ///
    /// The policy must be signed by a threshold of its own maintainers and be unexpired at
    /// the verification time. Its release scopes decide who may sign the record and each
    /// ancestor. Give later versions with --policy-update to walk a rotation chain from this
    /// pinned one.
    #[arg(long, value_name = "POLICY")]
    pub policy: Option<PathBuf>,

    /// Newer versions of the policy, in order (repeatable): each must be signed by a
    /// threshold of the previous version's keys and of its own.
    #[arg(long = "policy-update", value_name = "POLICY", requires = "policy")]
    pub policy_update: Vec<PathBuf>,

    /// Distinct trusted keys required (default: 1 with --key; the policy's with --policy).
    ///
    /// With --policy it can only raise the policy's threshold, never lower it.
    #[arg(long, value_name = "K")]
    pub threshold: Option<usize>,

    /// Verify as of TIME (RFC 3339, e.g. 2026-01-31T12:00:00Z, or YYYY-MM-DD meaning
    /// midnight UTC) instead of now.
    ///
    /// The clock is read once; expiry and signing-time checks use this value.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

/// Where parent records come from, and how strict the walk is.
#[derive(Args, Debug, Clone, Default)]
pub struct AncestryArgs {
    /// A record store folder to find parent records in (see `sceau store add`).
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,

    /// A parent (or other ancestor) record given directly (repeatable).
    #[arg(long = "with", value_name = "RECORD")]
    pub with: Vec<PathBuf>,

    /// Do not fail when an ancestor cannot be verified under the trust that applies to it
    /// (it is still reported, as unverified). Relation and licence rules are then checked
    /// against unverified claims.
    #[arg(long)]
    pub allow_unverified_ancestors: bool,

    /// A licence grant signed by an ancestor's maintainers (`sceau grant`; repeatable).
    ///
    /// It lets one derived release use a licence that the ancestor's terms would otherwise
    /// forbid (spec/lineage.md §5.5). It counts only when at least the threshold of keys
    /// trusted for the ancestor's name signed it, it has not expired, and the ancestor record
    /// in the lineage is the one it names and verified under that name. A grant that does not
    /// count is listed as such; it never makes anything fail.
    #[arg(long = "grant", value_name = "GRANT")]
    pub grants: Vec<PathBuf>,
}

/// `sceau lineage`.
#[derive(Args, Debug)]
pub struct LineageArgs {
    /// The record whose family to draw.
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,

    #[command(flatten)]
    pub trust: TrustArgs,

    #[command(flatten)]
    pub ancestry: AncestryArgs,

    /// Output format: tree (default), json, dot (Graphviz), mermaid, or html (one
    /// self-contained page with an inline SVG, coloured by verification status).
    #[arg(long, value_enum, default_value_t = LineageFormat::Tree)]
    pub format: LineageFormat,

    /// Write to FILE instead of standard output (atomically; --force to replace).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `sceau lineage --format`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineageFormat {
    /// Indented text.
    Tree,
    /// Machine-readable JSON.
    Json,
    /// Graphviz DOT.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
    /// A self-contained HTML page.
    Html,
}

/// `sceau scan --format`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BomFormat {
    /// CycloneDX JSON (spec/bom.md).
    Cyclonedx,
    /// SPDX 3.0.1 JSON-LD (spec/spdx.md).
    Spdx3,
}

/// `sceau store …`.
#[derive(Subcommand, Debug)]
pub enum StoreCommand {
    /// Add records to a store (idempotent; signatures added later are merged in).
    Add(StoreAddArgs),
}

/// `sceau store add`.
#[derive(Args, Debug)]
pub struct StoreAddArgs {
    /// Records to add. Anything that is not a well-formed sceau record is refused.
    #[arg(value_name = "RECORD", required = true)]
    pub records: Vec<PathBuf>,

    /// The store folder (created if missing). Each record is stored as `<sha256>.json`,
    /// the SHA-256 of its signed payload.
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,
}

/// `sceau policy …`.
#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// Create version 1 of a trust policy, signed by the given keys.
    Init(PolicyInitArgs),
    /// Write version N+1 of a policy: rotate, add, remove or revoke keys, change threshold
    /// or expiry. It must end up signed by a threshold of version N's keys AND of its own.
    Update(PolicyUpdateArgs),
    /// Add a signature to a policy (for co-signing an update by several maintainers).
    Sign(PolicySignArgs),
    /// Print a policy's content, marked NOT verified (`sceau verify --policy` verifies it).
    Show(PolicyShowArgs),
}

/// Options shared by policy commands that change the content.
#[derive(Args, Debug, Clone, Default)]
pub struct PolicyContentArgs {
    /// Distinct maintainers whose signatures are needed (on releases and on the next
    /// policy version). Must be between 1 and the number of non-revoked maintainers.
    #[arg(long, value_name = "K")]
    pub threshold: Option<usize>,

    /// When the policy stops being valid (RFC 3339 or YYYY-MM-DD). Verifiers refuse an
    /// expired policy, so a stolen old policy cannot be replayed forever.
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,

    /// A certifier trusted for some standards: NAME=PUB:STD[,STD…] (repeatable).
    #[arg(long = "certifier", value_name = "NAME=PUB:STDS")]
    pub certifiers: Vec<String>,

    /// Restrict who may sign releases matching PATTERN (`org/name` or `org/*`):
    /// PATTERN=NAME[,NAME…]:K (repeatable). Without any, every maintainer may sign every
    /// release under the global threshold.
    #[arg(long = "release", value_name = "PATTERN=NAMES:K")]
    pub releases: Vec<String>,

    /// Limit when the key of maintainer or certifier NAME counts: NAME=[FROM]..[UNTIL]
    /// (repeatable; dates in RFC 3339 or YYYY-MM-DD, meaning midnight UTC).
    ///
    /// A maintainer's key then counts only for release records whose signed signing time is
    /// at or after FROM and before UNTIL, and a certifier's only for attestations made in that
    /// interval (spec/policy.md §2.9). Either end may be left open (`bob=..2027-01-01` retires
    /// bob's key for releases signed from 2027 on); `NAME=..` removes the limit. Records
    /// without a signing time do not count for a limited key. The window does not limit who
    /// signs the policy itself: remove the maintainer in an update for that.
    ///
    /// The signing time is written by the signer, so a key holder can backdate a record into
    /// the window: a window retires a key on schedule, it does not replace revocation of a
    /// compromised key (`policy update --revoke`).
    #[arg(long = "validity", value_name = "NAME=[FROM]..[UNTIL]")]
    pub validity: Vec<String>,
}

/// `sceau policy init`.
#[derive(Args, Debug)]
pub struct PolicyInitArgs {
    /// A maintainer's public key, as PUB or NAME=PUB (repeatable). Without NAME the key's
    /// comment (or the file name) names the maintainer.
    #[arg(long = "maintainer", value_name = "[NAME=]PUB", required = true)]
    pub maintainers: Vec<String>,

    #[command(flatten)]
    pub content: PolicyContentArgs,

    /// Secret keys that sign the policy (repeatable); at least THRESHOLD maintainers must
    /// sign for the policy to verify.
    #[arg(long = "key", value_name = "KEY", required = true)]
    pub keys: Vec<PathBuf>,

    /// Where to write the signed policy.
    #[arg(short = 'o', long = "output", value_name = "POLICY")]
    pub output: PathBuf,

    /// Replace POLICY if it exists.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub pass: PassArgs,
}

/// `sceau policy update`.
#[derive(Args, Debug)]
pub struct PolicyUpdateArgs {
    /// The current policy (version N).
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,

    /// Add a maintainer: [NAME=]PUB (repeatable).
    #[arg(long = "add-maintainer", value_name = "[NAME=]PUB")]
    pub add: Vec<String>,

    /// Remove a maintainer by name or key id (repeatable).
    #[arg(long = "remove-maintainer", value_name = "NAME|KEYID")]
    pub remove: Vec<String>,

    /// Revoke a key: a public key file, or a key id (repeatable). A revoked key counts
    /// nowhere, in this version and every later one.
    #[arg(long = "revoke", value_name = "PUB|KEYID")]
    pub revoke: Vec<String>,

    /// Remove a certifier by name (repeatable).
    #[arg(long = "remove-certifier", value_name = "NAME")]
    pub remove_certifiers: Vec<String>,

    #[command(flatten)]
    pub content: PolicyContentArgs,

    /// Secret keys that sign version N+1 (repeatable): a threshold of version N's
    /// maintainers and of version N+1's. Others can add theirs with `sceau policy sign`.
    #[arg(long = "key", value_name = "KEY", required = true)]
    pub keys: Vec<PathBuf>,

    /// Where to write version N+1.
    #[arg(short = 'o', long = "output", value_name = "NEW")]
    pub output: PathBuf,

    /// Replace NEW if it exists.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub pass: PassArgs,
}

/// `sceau policy sign`.
#[derive(Args, Debug)]
pub struct PolicySignArgs {
    /// The policy to co-sign (rewritten atomically unless -o).
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,

    /// Secret key to sign with.
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,

    /// Write to FILE instead of replacing POLICY.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace FILE if it exists (with -o).
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub pass: PassArgs,
}

/// `sceau policy show`.
#[derive(Args, Debug)]
pub struct PolicyShowArgs {
    /// The policy file.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,

    /// Print the policy's content as JSON on standard output, marked `"verified": false`
    /// (spec/json-output.md).
    #[arg(long)]
    pub json: bool,
}

/// `sceau key …`.
#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Print a key's id and its public key in every supported encoding.
    Show(KeyShowArgs),
}

/// Where passphrases come from.
#[derive(Args, Debug, Clone, Default)]
pub struct PassArgs {
    /// Read the secret key's passphrase from FILE (first line; a trailing newline is dropped).
    ///
    /// Without it sceau reads the SCEAU_PASSPHRASE environment variable, and otherwise asks
    /// on the terminal. Never put a passphrase on the command line: it would show in `ps`.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

/// `sceau keygen`.
#[derive(Args, Debug)]
pub struct KeygenArgs {
    /// Base name of the key files: writes NAME.key and NAME.pub.
    ///
    /// NAME.key is created with mode 0600 and encrypted with a passphrase (scrypt +
    /// XChaCha20-Poly1305, spec/keys.md) unless --no-passphrase. Neither file is replaced
    /// without --force.
    #[arg(short = 'o', long = "output", value_name = "NAME")]
    pub output: PathBuf,

    /// A comment stored with the key (e.g. your name and e-mail); it is not signed.
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,

    /// The key type: ed25519 (the default), or ECDSA p256, p384, p521 (spec/keys.md §1).
    #[arg(
        long = "type",
        value_name = "TYPE",
        default_value = "ed25519",
        value_parser = ["ed25519", "p256", "p384", "p521"]
    )]
    pub key_type: String,

    /// Store the secret key unencrypted (for throw-away or hardware-protected setups).
    ///
    /// Anyone who can read NAME.key can then sign as you.
    #[arg(long)]
    pub no_passphrase: bool,

    /// Replace existing NAME.key / NAME.pub.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub pass: PassArgs,
}

/// `sceau key show`.
#[derive(Args, Debug)]
pub struct KeyShowArgs {
    /// A public key (sceau .pub, `ssh-ed25519 …`, SPKI PEM) or a secret key file (sceau
    /// .key, OpenSSH private key, PKCS#8 PEM). Only public material is printed.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Print the key id, algorithm and encodings as JSON on standard output (spec/json-output.md).
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub pass: PassArgs,
}

/// `sceau sign`.
#[derive(Args, Debug)]
pub struct SignArgs {
    /// The release folder (or a Hugging Face cache snapshot folder).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// Secret key to sign with (ed25519, or ECDSA P-256/P-384/P-521): a sceau .key file, an
    /// OpenSSH private key (also passphrase-protected), or a PKCS#8 or SEC1 PEM key.
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,

    /// Where to write the record (a DSSE envelope, JSON).
    ///
    /// Written atomically; never replaces an existing file without --force. A record inside
    /// DIR is left out of the scan and the rule recorded, so verifying the folder later
    /// does not count it as an extra file. Name records `*.sceau.json` to have every scan
    /// ignore them by default.
    #[arg(short = 'o', long = "output", value_name = "RECORD")]
    pub output: PathBuf,

    #[command(flatten)]
    pub tree: TreeArgs,

    /// Replace RECORD if it exists.
    #[arg(long)]
    pub force: bool,

    /// A release this one derives from: PARENT_RECORD:RELATION (repeatable).
    ///
    /// RELATION is one of finetune, adapter, merge, quantized, distill,
    /// continued-pretraining, repackage. The record names the parent by the SHA-256 of its
    /// signed payload, with its name and version (CycloneDX pedigree.ancestors). The model
    /// card's base_model / base_model_relation must agree, or signing is refused.
    /// Verifiers check the relation against the parent's own signed record
    /// (spec/lineage.md).
    #[arg(long = "parent", value_name = "RECORD:RELATION")]
    pub parents: Vec<String>,

    /// For a quantized release: the tokenizer differs from the parent's on purpose
    /// (recorded; without it verifiers require identical tokenizer files).
    #[arg(long)]
    pub tokenizer_changed: bool,

    /// The maintainers' claims, signed with the release (TOML, spec/claims.md): licence per
    /// openness component, datasets (licence, where to obtain, included or not), intended
    /// and out-of-scope uses, limitations, evaluation results, energy use, personal data,
    /// the openness class and "open source" claimed.
    ///
    /// Read strictly: an unknown field or a bad value is an error naming its line, and
    /// nothing is written. The model card's front matter fills the fields the file leaves
    /// out; where both give a field the file wins, with a warning. Claims are checked, not
    /// trusted: `sceau openness` computes what the record supports.
    #[arg(long, value_name = "CLAIMS.toml")]
    pub claims: Option<PathBuf>,

    #[command(flatten)]
    pub pass: PassArgs,

    /// Also write an OpenSSF Model Signing bundle (OMS v1.0, key method) to FILE, signed by
    /// the same key over the same files, that `model_signing verify key` accepts; the record
    /// names its root digest, tying the BOM, lineage and claims to the model's OMS identity.
    ///
    /// Needs an ECDSA key (P-256, P-384, P-521: `sceau keygen --type p256`); OMS has no
    /// ed25519. FILE inside DIR (`model.sig`, as model_signing names it) is left out of both.
    /// The files sceau's rules leave out are recorded as OMS ignore paths. Never replaces an
    /// existing FILE without --force.
    #[arg(long = "oms", value_name = "FILE")]
    pub oms: Option<PathBuf>,

    /// Write RECORD as a Sigstore bundle v0.3 (the same DSSE envelope, with a public-key hint)
    /// instead of a bare DSSE envelope, for tools that read Sigstore bundles; sceau reads both.
    #[arg(long)]
    pub bundle: bool,

    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,

    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `sceau countersign`.
#[derive(Args, Debug)]
pub struct CountersignArgs {
    /// The record to add a signature to. It is rewritten atomically unless -o is given; its
    /// payload bytes never change.
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,

    /// Secret key to sign with (same encodings as `sceau sign --key`).
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,

    /// Write the countersigned record to FILE instead of replacing RECORD.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace FILE if it exists (with -o).
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub pass: PassArgs,
}

/// `sceau verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The folder to check against the record (for an OMS signature of a single-file model,
    /// that file). Without it only the record is verified and the report says that no file
    /// was checked.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// The signed record: a sceau record (a DSSE envelope, or the same packaged as a Sigstore
    /// bundle by `sign --bundle`), or an OpenSSF Model Signing bundle (`model.sig`, as
    /// model_signing and NVIDIA NGC publish them; spec/verify.md §6).
    #[arg(long, value_name = "RECORD")]
    pub record: PathBuf,

    #[command(flatten)]
    pub trust: TrustArgs,

    #[command(flatten)]
    pub oms: OmsVerifyArgs,

    /// Leave out more files of DIR (repeatable): `NAME/`, `*SUFFIX` or a relative path, as
    /// `sign --exclude` takes them.
    ///
    /// For an OMS bundle that does not record the paths its signer ignored (model_signing
    /// before 1.1); its recorded `ignore_paths` are always applied. For a sceau record, on top
    /// of the rules it records. An excluded file is neither checked nor reported as extra.
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,

    /// Do not fail on files present in DIR but not in the record (they are listed as
    /// skipped in the report).
    #[arg(long)]
    pub allow_extra: bool,

    /// Rollback and equivocation protection: a state FILE recording the highest version
    /// accepted per release name.
    ///
    /// A record older than the recorded version, or the same version with a different
    /// payload, fails. After a successful verification the state is updated atomically;
    /// the file is created if missing.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Require a certification: STD or STD:REQUIREMENT (repeatable), e.g.
    /// mof-openness:class-iii.
    ///
    /// Passes only if some --attestation is signed by a certifier that the trust policy lists
    /// for standard STD, names this exact record (the SHA-256 of its signed payload), has not
    /// expired at the verification time, and attests REQUIREMENT with full conformance (or,
    /// with STD alone, some requirement of STD). Needs --policy: with --key no certifier is
    /// trusted. Each requirement is a check of stage `claims`; a failed one names its reason.
    #[arg(long = "require", value_name = "STD[:REQ]")]
    pub require: Vec<String>,

    /// A certification attestation written by `sceau certify` (repeatable). Attestations
    /// only ever add passes for --require; a malformed or altered one is a failed check.
    #[arg(long = "attestation", value_name = "FILE")]
    pub attestation: Vec<PathBuf>,

    #[command(flatten)]
    pub ancestry: AncestryArgs,

    /// Print the report as JSON on standard output.
    #[arg(long)]
    pub json: bool,

    /// Hashing threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Check every file by its whole-file SHA-256, even files whose record also carries a
    /// BLAKE3 digest (which are otherwise checked by BLAKE3, hashed on all cores).
    #[arg(long)]
    pub full_sha256: bool,

    #[command(flatten)]
    pub cache: CacheArgs,

    /// The manifest of a record in the manifest form (spec/manifest.md §7).
    ///
    /// Default: beside the record, its name ending in `.manifest` instead of `.json`. It is
    /// checked against the digest the record signs before anything in it is used.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,

    /// Take the files' digests from the part manifests of a sharded scan of DIR
    /// (`sceau scan DIR --shard K/N -o PART`, every part of one run) instead of hashing.
    ///
    /// The parts must be cut from this very walk of DIR and list each file once; files are
    /// then compared by the digests the parts give, without being read here.
    #[arg(long = "parts", value_name = "PART", num_args = 1..)]
    pub parts: Vec<PathBuf>,

    /// Compare only the files below this folder of DIR (a relative path, e.g.
    /// `data/images/train`); the report says the rest was not checked.
    #[arg(long, value_name = "PATH")]
    pub only: Option<String>,

    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// How OpenSSF Model Signing bundles are trusted, besides `--key` (spec/verify.md §6.3).
#[derive(Args, Debug, Clone, Default)]
pub struct OmsVerifyArgs {
    /// For an OMS bundle of the certificate method: the CA certificates to trust (a PEM file
    /// of one or more). The bundle's chain must lead to one of them, every certificate valid
    /// at the verification time (--at, else now).
    #[arg(long = "cert-chain", value_name = "CA.pem")]
    pub cert_chain: Option<PathBuf>,

    /// For a keyless OMS bundle (Sigstore): the trusted root to verify the Fulcio certificate,
    /// its SCT and the Rekor entry against, offline (`trusted_root.json`, e.g. the one the
    /// `sigstore` Python package ships for the public-good instance). Needs --identity and
    /// --issuer.
    #[arg(
        long = "trusted-root",
        value_name = "trusted_root.json",
        requires_all = ["identity", "issuer"]
    )]
    pub trusted_root: Option<PathBuf>,

    /// The signer the keyless certificate must name (its SAN: an e-mail address or a URI),
    /// compared exactly.
    #[arg(long, value_name = "ID", requires = "trusted_root")]
    pub identity: Option<String>,

    /// The OIDC issuer that must have vouched for --identity (e.g.
    /// https://accounts.google.com), compared exactly.
    #[arg(long, value_name = "URL", requires = "trusted_root")]
    pub issuer: Option<String>,

    /// The OMS signature published beside a sceau record (`sign --oms`): it must verify (with
    /// --key, --cert-chain or --trusted-root) and sign the OMS root the record names, so that
    /// the record's BOM, lineage and claims are about that model (spec/oms.md §11).
    #[arg(long = "oms", value_name = "model.sig")]
    pub companion: Option<PathBuf>,
}

/// `sceau inspect`.
#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The record to read: a sceau record (either form) or an OMS bundle. Nothing is verified.
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,

    /// Print what the record claims as JSON on standard output, marked `"verified": false`
    /// (spec/json-output.md).
    #[arg(long)]
    pub json: bool,
}

/// Options shared by commands that scan a folder.
#[derive(Args, Debug, Clone)]
pub struct TreeArgs {
    /// Release name recorded in the BOM.
    ///
    /// Defaults to the Hugging Face repo id when DIR is a Hugging Face cache snapshot
    /// (`models--ORG--NAME/snapshots/REV`), otherwise to the folder's name. Verifiers compare
    /// records of the same name for rollback, so keep it stable across versions.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Release version recorded in the BOM.
    ///
    /// Defaults to the snapshot revision for a Hugging Face cache snapshot, otherwise to
    /// 0.0.0 with a warning. Versions are compared for rollback protection: use numbers
    /// that increase (1.0, 1.1, 2.0 …).
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,

    /// Leave out more files (repeatable), recorded in the BOM with the default rules.
    ///
    /// `NAME/` skips every folder called NAME, `*SUFFIX` every file whose name ends with
    /// SUFFIX, anything else one exact relative path. The defaults always apply: `.git/`,
    /// `.cache/huggingface/` and `*.sceau.json`. A verifier applies the recorded rules, so
    /// an excluded file is neither checked nor reported as extra.
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,

    /// Hashing threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Also record a BLAKE3 digest of every file of 64 MiB or more, beside its SHA-256.
    ///
    /// Verifiers then check those files by BLAKE3, which splits one file across all cores
    /// (whole-file SHA-256 is serial: one core per file). The SHA-256 stays in the record
    /// and remains the default subject digest (spec/hashing.md).
    #[arg(long)]
    pub parallel_digest: bool,

    /// Do not fingerprint the weight files.
    ///
    /// By default every safetensors, GGUF and ONNX weight file gets a fingerprint in the
    /// record: a small per-tensor sketch of its values (about 580 bytes per tensor) that lets
    /// `sceau match` and `sceau verify --store` find the releases its weights derive from,
    /// whatever the file format or precision (spec/fingerprint.md).
    #[arg(long)]
    pub no_fingerprints: bool,

    #[command(flatten)]
    pub cache: CacheArgs,

    /// Record the tree in the manifest form whatever its size (spec/manifest.md).
    ///
    /// A tree of more than 10 000 files is always recorded so: every file's path, size and
    /// SHA-256 go into a manifest written beside the output (see --manifest), which the record
    /// signs by its digest; the record lists the weight files and the files outside folders
    /// one by one, and every folder free of weight files as one artifact whose digest is the
    /// folder's root. The record then stays small whatever the file count, and memory stays
    /// bounded while scanning.
    #[arg(long)]
    pub always_manifest: bool,

    /// Where to write the manifest of a record (or BOM) in the manifest form.
    ///
    /// Default: beside the output, its name ending in `.manifest` instead of `.json`
    /// (`model.sceau.json` → `model.sceau.manifest`). Publish it with the record: verifiers
    /// need it to check the files. Written atomically, never replacing a file without
    /// --force. Ignored (and not written) for a tree recorded file by file.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,

    /// Take every file's digest from the part manifests of a sharded scan of DIR instead of
    /// hashing (`sceau scan DIR --shard K/N -o PART` run N times, e.g. as a job array).
    ///
    /// Give every part of one run (K from 1 to N, any order). The parts must be cut from the
    /// very walk of DIR this command makes — same files, same sizes, same ignore rules — and
    /// list each file exactly once: otherwise nothing is written (spec/manifest.md §5).
    #[arg(long = "parts", value_name = "PART", num_args = 1..)]
    pub parts: Vec<PathBuf>,
}

/// The digest cache (spec/hashing.md §4).
#[derive(Args, Debug, Clone, Default)]
pub struct CacheArgs {
    /// Reuse digests of files unchanged since they were last hashed, and remember new ones.
    ///
    /// A file counts as unchanged when its device, inode, size, modification time and
    /// status-change time are all the same (to the nanosecond); it is then not read. The
    /// cache lives in SCEAU_CACHE_DIR, else $XDG_CACHE_HOME/sceau, else ~/.cache/sceau.
    /// Anyone who can write the cache can make a changed file pass: use it only where your
    /// own account alone writes the cache directory.
    #[arg(long)]
    pub cache: bool,

    /// Keep the digest cache in DIR (implies --cache).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

/// `sceau scan`.
#[derive(Args, Debug)]
pub struct ScanArgs {
    /// The release folder (or a Hugging Face cache snapshot folder).
    ///
    /// Symlinks are followed only when they stay inside DIR, or, for a Hugging Face cache
    /// snapshot, when they point into that repo's `blobs/` folder. Symlinks leaving the tree,
    /// loops, dangling links, FIFOs, sockets, devices, non-UTF-8 names and names equal after
    /// Unicode NFC normalisation are refused (exit 2) without being opened.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    #[command(flatten)]
    pub tree: TreeArgs,

    /// Write the BOM to FILE (`-` for standard output): CycloneDX 1.6 JSON by default, see
    /// --format and --spec-version.
    ///
    /// Written atomically (temporary file, then rename). An existing file is never replaced
    /// without --force. A FILE inside DIR is left out of the scan. With `-o -` the summary
    /// goes to standard error so that standard output holds only the BOM. Without -o no BOM
    /// is written, only the summary.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// What -o writes: `cyclonedx` (default, spec/bom.md) or `spdx3`, an SPDX 3.0.1 JSON-LD
    /// document with the AI and Dataset profiles (spec/spdx.md).
    #[arg(long, value_enum, default_value_t = BomFormat::Cyclonedx)]
    pub format: BomFormat,

    /// CycloneDX version of the BOM: 1.6 (default; what `sceau sign` embeds) or 1.7.
    ///
    /// Only with --format cyclonedx. Both carry the same content (spec/bom.md §1.4).
    #[arg(long, value_name = "VERSION", value_parser = ["1.6", "1.7"])]
    pub spec_version: Option<String>,

    /// The maintainers' claims (TOML, spec/claims.md), as `sceau sign --claims` takes them:
    /// they fill the BOM's model card, its supplier and manufacturer (`[provider]`), and the
    /// SPDX document's datasets and supplier. Read strictly; nothing is signed.
    #[arg(long, value_name = "CLAIMS.toml")]
    pub claims: Option<PathBuf>,

    /// Hash only part K of N of the tree and write a part manifest to -o instead of a BOM:
    /// `K/N` (1-based), `auto` (a Slurm job array: SLURM_ARRAY_TASK_ID,
    /// SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_STEP, SLURM_ARRAY_TASK_COUNT) or `auto/N`
    /// (N tasks: a Kubernetes Indexed Job's JOB_COMPLETION_INDEX, or a Slurm array).
    ///
    /// Part K is a run of consecutive files of the walk, cut by size so that every part
    /// hashes about as many bytes and opens about as many files; every job computes the same
    /// cut from the tree alone. The part names the walk it was cut from (the digest of the
    /// listing of every path and size), so that `sceau sign DIR --parts …` and
    /// `sceau verify DIR --parts …` can check that the parts are complete and disjoint
    /// (spec/manifest.md §5).
    #[arg(long, value_name = "K/N|auto|auto/N")]
    pub shard: Option<String>,

    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,

    /// Print the summary as JSON on standard output instead of text.
    ///
    /// Cannot be combined with `-o -` (both would go to standard output).
    #[arg(long)]
    pub json: bool,

    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `sceau openness`.
#[derive(Args, Debug)]
pub struct OpennessArgs {
    /// The release record (a DSSE envelope written by `sceau sign`).
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,

    #[command(flatten)]
    pub trust: TrustArgs,

    // Where the record's parents are found: datasets that verified ancestors declare count
    // toward the OSAID data information.
    #[command(flatten)]
    pub ancestry: AncestryArgs,

    /// Print JSON (spec/claims.md §6.1).
    #[arg(long)]
    pub json: bool,
}

/// `sceau check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The published model card: a README.md with YAML front matter, or a folder holding
    /// one (FOLDER/README.md), e.g. a fresh download of the model repository.
    #[arg(value_name = "CARD_OR_DIR")]
    pub card: PathBuf,

    /// The signed record to hold the card to. It must verify under --key or --policy:
    /// comparing a card with an unverified record proves nothing.
    #[arg(long, value_name = "RECORD")]
    pub record: PathBuf,

    #[command(flatten)]
    pub trust: TrustArgs,

    #[command(flatten)]
    pub ancestry: AncestryArgs,

    /// Print JSON (spec/claims.md §6.2).
    #[arg(long)]
    pub json: bool,
}

/// `sceau certify`.
#[derive(Args, Debug)]
pub struct CertifyArgs {
    /// The release record to certify (a DSSE envelope written by `sceau sign`).
    ///
    /// It must be well formed; it is not verified under any trust here. The attestation names
    /// it by the SHA-256 of its signed payload, so it counts for this exact record only.
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,

    /// The certifier's secret key (same encodings as `sceau sign --key`). Verifiers count the
    /// attestation only if their trust policy lists this key as a certifier for the standard
    /// (`sceau policy init --certifier NAME=PUB:STD`).
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,

    /// The standard, as a JSON file (spec/attestations.md §1), e.g.
    /// testdata/standards/mof-openness.json. It is copied into the attestation.
    #[arg(long, value_name = "STD_FILE")]
    pub standard: PathBuf,

    /// Requirement ids of the standard that the release meets (one or more values, and
    /// repeatable). Each must exist in the standard file. Put RECORD before this option.
    #[arg(long = "requirement", value_name = "ID", num_args = 1..)]
    pub requirements: Vec<String>,

    /// A level of the standard (e.g. a MOF class) that the release reaches: every
    /// requirement of that level and the levels below it is attested.
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,

    /// What the assessment relied on: an http(s) URL, or a local file named in the
    /// attestation with its SHA-256 (its content is not embedded). One or more values,
    /// repeatable.
    #[arg(long = "evidence", value_name = "FILE_OR_URL", num_args = 1..)]
    pub evidence: Vec<String>,

    /// When the attestation stops counting (RFC 3339 or YYYY-MM-DD, midnight UTC). Required:
    /// certifications do not last forever.
    #[arg(long, value_name = "DATE")]
    pub expires: String,

    /// Attest requirements that sceau computes the record fails, recording REASON in the
    /// attestation for each (spec/attestations.md §2.5).
    ///
    /// Without it, certifying a requirement sceau computes (the MOF classes of the
    /// `mof-openness` standard, from the record's openness) that the record fails is refused.
    /// With it the attestation is made, but `sceau verify --require` still fails on it, naming
    /// both the attestation and the computation: an override documents a disagreement, it
    /// never turns a computed failure into a pass.
    #[arg(long = "override-computed", value_name = "REASON")]
    pub override_computed: Option<String>,

    /// The certifier's name as written in the attestation (default: the key file's name).
    /// Verifiers name certifiers by the trust policy, not by this.
    #[arg(long = "certifier-name", value_name = "NAME")]
    pub certifier_name: Option<String>,

    /// Where to write the attestation (a DSSE envelope, JSON). Written atomically; never
    /// replaces an existing file without --force.
    #[arg(short = 'o', long = "output", value_name = "ATTESTATION")]
    pub output: PathBuf,

    /// Replace ATTESTATION if it exists.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub pass: PassArgs,

    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `sceau report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The release record (a DSSE envelope written by `sceau sign`).
    #[arg(value_name = "RECORD")]
    pub record: PathBuf,

    /// Report on the EU AI Act documentation duties of providers of general-purpose AI
    /// models: Art. 53(1)(a)-(d), Annex XI and XII items and the public summary of training
    /// content, with the open-source exemption of Art. 53(2).
    #[arg(long, required_unless_present = "form", conflicts_with = "form")]
    pub ai_act: bool,

    /// Fill a form regulators ask for from the record (spec/forms.md): the public summary of
    /// training content (training-summary) or the GPAI Code of Practice model documentation
    /// form (model-documentation). Every answer says its source: verified (derived from
    /// signed artifacts), declared (a signed claim) or missing (with the claims key that
    /// would fill it).
    #[arg(long, value_enum, value_name = "FORM")]
    pub form: Option<FormArg>,

    /// The model documentation form for one recipient only: the AI Office, a national
    /// competent authority, or downstream providers (default: every field).
    #[arg(long, value_enum, value_name = "WHO", requires = "form")]
    pub recipient: Option<RecipientArg>,

    /// The release folder (--form): its config.json gives the modalities and the context
    /// size when the record signs exactly those bytes.
    #[arg(long, value_name = "DIR", requires = "form")]
    pub dir: Option<PathBuf>,

    // Where the parents' records are (--form): a fine-tune's summary then names its base
    // model through the verified lineage, with a link to the base model's own summary.
    #[command(flatten)]
    pub ancestry: AncestryArgs,

    /// Output format: md (Markdown, the default), json (spec/ai-act.md §4) or html (one
    /// self-contained page).
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,

    /// The model is a general-purpose AI model with systemic risk (Art. 51; presumed above
    /// 10^25 training FLOPs): no exemption applies and the Annex XI Section 2 items are added.
    #[arg(long, conflicts_with = "form")]
    pub systemic_risk: bool,

    // Verify the record first (without --key or --policy the report is marked "record NOT
    // VERIFIED").
    #[command(flatten)]
    pub trust: TrustArgs,

    /// Write to FILE instead of standard output (atomically; --force to replace).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `sceau report --form`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormArg {
    /// The Public Summary of Training Content (AI Act Art. 53(1)(d)).
    TrainingSummary,
    /// The Model Documentation Form of the GPAI Code of Practice.
    ModelDocumentation,
}

/// `sceau report --recipient`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecipientArg {
    /// The European AI Office.
    AiOffice,
    /// National competent authorities.
    Authority,
    /// Downstream providers.
    Downstream,
}

/// `sceau report --format`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// Markdown.
    Md,
    /// Machine-readable JSON (spec/ai-act.md §4).
    Json,
    /// One self-contained HTML page.
    Html,
}

/// `sceau grant`.
#[derive(Args, Debug)]
pub struct GrantArgs {
    /// The ancestor's release record: the release whose licence terms are waived.
    ///
    /// The grant names it by the SHA-256 of its signed payload, with its name and version; it
    /// is read, not verified, here. Verifiers count the grant only when the ancestor record in
    /// the lineage they walk is that exact record, verified under the trust for that name.
    #[arg(value_name = "ANCESTOR_RECORD")]
    pub ancestor: PathBuf,

    /// The name of the derived release the grant is for, exactly as its record names it.
    #[arg(long, value_name = "NAME")]
    pub release: String,

    /// The licence the derived release may declare, as its record declares it: an SPDX
    /// expression (`Apache-2.0`, written in any case for a single id) or a named licence id
    /// (`llama3.1`). A release declaring another licence is not covered.
    #[arg(long, value_name = "LICENCE")]
    pub licence: String,

    /// Secret keys of the ancestor's maintainers (repeatable). Verifiers count the grant only
    /// when at least the threshold of keys trusted for the ancestor's name signed it (with
    /// `--key` trust, one of the given keys; with a policy, the ancestor's release scope).
    #[arg(long = "key", value_name = "KEY", required = true)]
    pub keys: Vec<PathBuf>,

    /// When the grant stops counting (RFC 3339, or YYYY-MM-DD meaning midnight UTC). Without
    /// it the grant does not expire; revoking it then means rotating the keys that signed it.
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,

    /// Where to write the grant (a DSSE envelope, JSON). Written atomically; never replaces
    /// an existing file without --force. Verifiers take it with `--grant FILE`.
    #[arg(short = 'o', long = "output", value_name = "GRANT")]
    pub output: PathBuf,

    /// Replace GRANT if it exists.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub pass: PassArgs,

    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definitions_are_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }

    /// Every subcommand says what it does and every option and argument has help of its own,
    /// which `sceau help CMD`, the man page and the shell completions show (README: "Every
    /// flag has long help").
    #[test]
    fn every_command_and_every_flag_has_help() {
        use clap::CommandFactory;
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>, seen: &mut usize) {
            if cmd.get_about().is_none() && path != "sceau" {
                missing.push(format!("{path}: no about"));
            }
            for a in cmd.get_arguments() {
                let id = a.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                *seen += 1;
                let help = a
                    .get_long_help()
                    .or(a.get_help())
                    .map(|h| h.to_string())
                    .unwrap_or_default();
                // A sentence at least: some words (clap drops a one-line help's full stop).
                if help.split_whitespace().count() < 3 {
                    missing.push(format!("{path} {id}: help {help:?}"));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing, seen);
            }
        }
        let mut cmd = super::Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        let mut seen = 0;
        walk(&cmd, "sceau", &mut missing, &mut seen);
        assert!(missing.is_empty(), "without help:\n{}", missing.join("\n"));
        assert!(seen > 150, "only {seen} arguments walked");
    }
}
