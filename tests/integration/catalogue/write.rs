//! Output paths (`-o`, the files rewritten in place, `--state`): a regular file is replaced
//! whole, a character device or a FIFO is written through, never replaced; a symlink, a
//! folder, a socket (and a block device) are refused, whatever the command, with `--force`
//! too (spec/output.md §1).
use std::os::unix::fs::FileTypeExt as _;

use super::*;

/// What an output path can be, made in the temporary folder.
#[derive(Clone, Copy, Debug)]
enum Bad {
    /// A symlink to a regular file of the folder (which must stay as it is).
    Symlink,
    /// A folder.
    Folder,
    /// A Unix socket.
    Socket,
    /// A FIFO nobody reads.
    FifoWithoutReader,
}

impl Bad {
    /// Makes `path` this kind of entry.
    fn make(self, lab: &Lab, path: &Path) {
        match self {
            Bad::Symlink => {
                let target = lab.path("link-target.json");
                std::fs::write(&target, b"{}\n").unwrap();
                std::os::unix::fs::symlink(&target, path).unwrap();
            }
            Bad::Folder => std::fs::create_dir(path).unwrap(),
            Bad::Socket => {
                // The socket file stays when the listener is dropped.
                std::os::unix::net::UnixListener::bind(path).unwrap();
            }
            Bad::FifoWithoutReader => mkfifo(path),
        }
    }

    /// What the refusal says it is.
    fn phrase(self) -> &'static str {
        match self {
            Bad::Symlink => "is a symbolic link",
            Bad::Folder => "is a folder",
            Bad::Socket => "is a socket",
            Bad::FifoWithoutReader => "is a FIFO with no reader",
        }
    }
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

/// The lab with a second maintainer (bob), an auditor and a policy of alice and bob signed by
/// alice: what every writing command needs.
struct Writers {
    lab: Lab,
    bob: PathBuf,
    auditor: PathBuf,
    policy: PathBuf,
    standard: PathBuf,
}

impl Writers {
    fn new() -> Writers {
        let lab = Lab::certifiable();
        let (bob, bob_pub) = keygen(lab.t.path(), "bob");
        let (auditor, _) = keygen(lab.t.path(), "auditor");
        let policy = lab.alice_policy("p.json", &["--maintainer", s(&bob_pub)]);
        Writers {
            lab,
            bob,
            auditor,
            policy,
            standard: standard_file("mof-openness.json"),
        }
    }

    /// Every command that writes a file named by `-o`, writing to `out` with `--force`
    /// (`keygen` writes `base.key` first: `out` must end in `.key`).
    fn commands<'a>(&'a self, out: &'a str, base: &'a str) -> Vec<Vec<&'a str>> {
        let l = &self.lab;
        vec![
            vec!["scan", s(&l.dir), "-o", out, "--force", "-q"],
            vec![
                "sign",
                s(&l.dir),
                "--key",
                s(&l.key),
                "-o",
                out,
                "--force",
                "-q",
            ],
            vec![
                "countersign",
                s(&l.record),
                "--key",
                s(&self.bob),
                "-o",
                out,
                "--force",
            ],
            vec!["keygen", "-o", base, "--no-passphrase", "--force"],
            vec![
                "policy",
                "init",
                "--maintainer",
                s(&l.public),
                "--expires",
                "2030-01-01",
                "--key",
                s(&l.key),
                "-o",
                out,
                "--force",
            ],
            vec![
                "policy",
                "update",
                s(&self.policy),
                "--key",
                s(&l.key),
                "-o",
                out,
                "--force",
            ],
            vec![
                "policy",
                "sign",
                s(&self.policy),
                "--key",
                s(&self.bob),
                "-o",
                out,
                "--force",
            ],
            vec![
                "certify",
                s(&l.record),
                "--key",
                s(&self.auditor),
                "--standard",
                s(&self.standard),
                "--requirement",
                "class-iii",
                "--expires",
                "2027-01-01",
                "-o",
                out,
                "--force",
            ],
            vec![
                "grant",
                s(&l.record),
                "--release",
                "other-org/other",
                "--licence",
                "MIT",
                "--key",
                s(&l.key),
                "-o",
                out,
                "--force",
            ],
            vec!["report", "--ai-act", s(&l.record), "-o", out, "--force"],
            vec![
                "lineage",
                s(&l.record),
                "--key",
                s(&l.public),
                "-o",
                out,
                "--force",
            ],
        ]
    }
}

/// One case: every writing command, `-o` naming a `bad` entry, `--force` given. Each is
/// refused (exit 2) naming the path and what it is; nothing in the folder changes (the
/// symlink's target included).
fn every_writer_refuses(bad: Bad) {
    let w = Writers::new();
    let out = w.lab.path("out.json");
    let key = w.lab.path("kg.key");
    bad.make(&w.lab, &out);
    bad.make(&w.lab, &key);
    let base = w.lab.path("kg");
    let before = snapshot(w.lab.t.path());
    for cmd in w.commands(s(&out), s(&base)) {
        let keygen = cmd[0] == "keygen";
        let (named, phrase) = match bad {
            // A secret key is not written through a FIFO, reader or not.
            Bad::FifoWithoutReader if keygen => (&key, "a secret key is written only to"),
            _ if keygen => (&key, bad.phrase()),
            _ => (&out, bad.phrase()),
        };
        let o = sceau(&cmd);
        let e = assert_input_error(&o, &[s(named), phrase]);
        assert!(e.contains("hint:"), "{cmd:?}: {e}");
        assert_unchanged(w.lab.t.path(), &before);
    }
}

#[test]
fn every_writer_refuses_a_symlink() {
    every_writer_refuses(Bad::Symlink);
}

#[test]
fn every_writer_refuses_a_folder() {
    every_writer_refuses(Bad::Folder);
}

#[test]
fn every_writer_refuses_a_socket() {
    every_writer_refuses(Bad::Socket);
}

/// A FIFO with no reader is refused at once (opened without blocking), never waited for:
/// `run` fails the test if a command blocks.
#[test]
fn every_writer_refuses_a_fifo_without_a_reader() {
    every_writer_refuses(Bad::FifoWithoutReader);
}

/// The files rewritten in place (`countersign RECORD`, `policy sign POLICY` without `-o`) and
/// the state file after a passing verification are output paths too: a symlink is refused
/// there, and neither the link nor its target changes.
#[test]
fn in_place_rewrites_and_the_state_file_refuse_a_symlink() {
    let w = Writers::new();
    let l = &w.lab;
    let record_link = l.path("record-link.json");
    std::os::unix::fs::symlink(&l.record, &record_link).unwrap();
    let policy_link = l.path("policy-link.json");
    std::os::unix::fs::symlink(&w.policy, &policy_link).unwrap();
    // A valid state file, then a link to it.
    let state = l.path("state.json");
    let (o, _) = l.verify(Some(&l.dir), &l.record, &["--state", s(&state)]);
    assert_exit(&o, 0);
    let state_link = l.path("state-link.json");
    std::os::unix::fs::symlink(&state, &state_link).unwrap();
    let before = snapshot(l.t.path());
    for (cmd, named) in [
        (
            vec!["countersign", s(&record_link), "--key", s(&w.bob)],
            &record_link,
        ),
        (
            vec!["policy", "sign", s(&policy_link), "--key", s(&w.bob)],
            &policy_link,
        ),
        (
            vec![
                "verify",
                s(&l.dir),
                "--record",
                s(&l.record),
                "--key",
                s(&l.public),
                "--at",
                AT,
                "--state",
                s(&state_link),
            ],
            &state_link,
        ),
    ] {
        let o = sceau(&cmd);
        assert_input_error(&o, &[s(named), "is a symbolic link"]);
        assert_unchanged(l.t.path(), &before);
    }
}

/// `-o /dev/null --force` writes through the device and leaves it a character device (it was
/// replaced by a regular file); without `--force` it is refused as existing. Run only where
/// /dev/null is a character device this user can write; never another device.
#[test]
fn dev_null_is_written_through_never_replaced() {
    let null = Path::new("/dev/null");
    let ok = std::fs::symlink_metadata(null).is_ok_and(|m| m.file_type().is_char_device())
        && std::fs::OpenOptions::new().write(true).open(null).is_ok();
    if !ok {
        eprintln!("skipped: /dev/null is not a writable character device here");
        return;
    }
    let rdev = |p: &Path| {
        use std::os::unix::fs::MetadataExt as _;
        let m = std::fs::symlink_metadata(p).unwrap();
        (m.file_type().is_char_device(), m.rdev())
    };
    let lab = Lab::new();
    let before = snapshot(lab.t.path());
    let dev = rdev(null);
    let o = sceau(&["scan", s(&lab.dir), "-o", "/dev/null", "-q"]);
    assert_input_error(&o, &["/dev/null already exists", "write through"]);
    for cmd in [
        vec!["scan", s(&lab.dir), "-o", "/dev/null", "--force", "-q"],
        vec![
            "sign",
            s(&lab.dir),
            "--key",
            s(&lab.key),
            "-o",
            "/dev/null",
            "--force",
            "-q",
        ],
        vec![
            "report",
            "--ai-act",
            s(&lab.record),
            "-o",
            "/dev/null",
            "--force",
        ],
    ] {
        let o = sceau(&cmd);
        assert_exit(&o, 0);
        assert_eq!(rdev(null), dev, "{cmd:?} replaced /dev/null");
    }
    assert_unchanged(lab.t.path(), &before);
}

/// A FIFO with a reader receives the document through it; the FIFO stays a FIFO and nothing
/// is created beside it. A secret key is never written through one.
#[test]
fn fifo_with_a_reader_receives_the_document() {
    let lab = Lab::new();
    let fifo = lab.path("bom.fifo");
    mkfifo(&fifo);
    let before = snapshot(lab.t.path());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).unwrap())
    };
    // The reader opens the FIFO; sceau opens it without blocking and finds the reader. Until
    // the reader is there sceau says so: retry (bounded) rather than race.
    let mut o = None;
    for _ in 0..200 {
        let r = sceau(&["scan", s(&lab.dir), "-o", s(&fifo), "--force", "-q"]);
        if code(&r) == 0 {
            o = Some(r);
            break;
        }
        assert_input_error(&r, &[s(&fifo), "FIFO with no reader"]);
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = o.expect("the reader never opened the FIFO");
    assert_exit(&o, 0);
    let bom: Value = serde_json::from_slice(&reader.join().unwrap()).expect("a BOM");
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_unchanged(lab.t.path(), &before);

    let key_fifo = lab.path("secret.key");
    mkfifo(&key_fifo);
    let before = snapshot(lab.t.path());
    let o = sceau(&[
        "keygen",
        "-o",
        s(&lab.path("secret")),
        "--no-passphrase",
        "--force",
    ]);
    assert_input_error(
        &o,
        &[
            s(&key_fifo),
            "a secret key is written only to a regular file",
        ],
    );
    assert_unchanged(lab.t.path(), &before);
}
