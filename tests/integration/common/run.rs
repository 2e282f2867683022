//! Running sceau: the one process runner every test uses.
//!
//! Every run gets the same fixed environment ([`fixed_env`]): `SOURCE_DATE_EPOCH` =
//! [`EPOCH`] (2026-01-01T00:00:00Z, so every record and attestation is signed at that time),
//! no `SCEAU_PASSPHRASE` unless the test sets one, no colour, an empty standard input. A run
//! that takes longer than [`RUN_LIMIT`] is killed and fails the test (a run that blocks on a
//! FIFO or a device must not hang the suite), and a run whose standard error says `panicked`
//! fails it too: a crash is never an acceptable outcome, whatever the exit code.
use std::ffi::OsStr;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// SOURCE_DATE_EPOCH of every run: 2026-01-01T00:00:00Z.
pub const EPOCH: &str = "1767225600";

/// Longest any one sceau run may take.
pub const RUN_LIMIT: Duration = Duration::from_secs(300);

/// The path of the built `sceau` binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_sceau"))
}

/// Gives `c` the environment every sceau run has; for the rare command that runs sceau
/// through another program (a shell setting a umask). [`Sceau`] applies it itself.
pub fn fixed_env(c: &mut Command) -> &mut Command {
    c.env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("SCEAU_PASSPHRASE")
        .env_remove("SCEAU_TIMINGS")
}

/// One sceau run, built up and then [`Sceau::run`].
///
/// ```ignore
/// let o = Sceau::new().args(["verify", "--record", r]).env("SCEAU_PASSPHRASE", "pw").run();
/// ```
pub struct Sceau {
    cmd: Command,
    shown: Vec<String>,
    stdin: Option<Vec<u8>>,
}

impl Default for Sceau {
    fn default() -> Self {
        Sceau::new()
    }
}

impl Sceau {
    /// `sceau` with the fixed environment and no arguments yet.
    pub fn new() -> Sceau {
        let mut cmd = Command::new(bin());
        fixed_env(&mut cmd);
        Sceau {
            cmd,
            shown: Vec::new(),
            stdin: None,
        }
    }

    /// Adds one argument.
    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Sceau {
        self.shown.push(a.as_ref().to_string_lossy().into_owned());
        self.cmd.arg(a);
        self
    }

    /// Adds arguments.
    pub fn args<I, A>(mut self, args: I) -> Sceau
    where
        I: IntoIterator<Item = A>,
        A: AsRef<OsStr>,
    {
        for a in args {
            self = self.arg(a);
        }
        self
    }

    /// Sets an environment variable (over the fixed environment: `SOURCE_DATE_EPOCH` and
    /// `SCEAU_PASSPHRASE` may be set here).
    pub fn env(mut self, key: &str, value: &str) -> Sceau {
        self.cmd.env(key, value);
        self
    }

    /// Sets each environment variable of `vars`.
    pub fn envs(mut self, vars: &[(&str, &str)]) -> Sceau {
        for (k, v) in vars {
            self = self.env(k, v);
        }
        self
    }

    /// Runs in `dir` instead of the test's working directory.
    pub fn cwd(mut self, dir: &Path) -> Sceau {
        self.cmd.current_dir(dir);
        self
    }

    /// Gives the run `bytes` on its standard input (empty otherwise).
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Sceau {
        self.stdin = Some(bytes.into());
        self
    }

    /// Runs as user and group `id` (root only; see [`can_run_as`]).
    #[cfg(unix)]
    pub fn user(mut self, id: u32) -> Sceau {
        use std::os::unix::process::CommandExt as _;
        self.cmd.uid(id).gid(id);
        self
    }

    /// Starts the run without waiting, its output discarded: for a test that interrupts it.
    pub fn spawn(mut self) -> Child {
        self.cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sceau")
    }

    /// Runs to the end (at most [`RUN_LIMIT`]) and returns what it printed; fails the test if
    /// it panicked, was killed by a signal or ran over the limit.
    #[track_caller]
    pub fn run(mut self) -> Output {
        self.cmd
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("start sceau");
        if let (Some(bytes), Some(mut pipe)) = (self.stdin.take(), child.stdin.take()) {
            std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            });
        }
        let out = drain(child.stdout.take().map(|s| Box::new(s) as _));
        let err = drain(child.stderr.take().map(|s| Box::new(s) as _));
        let deadline = Instant::now() + RUN_LIMIT;
        let status = loop {
            if let Some(st) = child.try_wait().expect("wait for sceau") {
                break st;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("sceau {:?} ran over {RUN_LIMIT:?}: it blocked", self.shown);
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let o = Output {
            status,
            stdout: out.join().expect("stdout"),
            stderr: err.join().expect("stderr"),
        };
        let e = stderr(&o);
        assert!(
            !e.contains("panicked"),
            "sceau {:?} panicked:\n{e}",
            self.shown
        );
        assert!(
            o.status.code().is_some(),
            "sceau {:?} was killed by a signal:\n{e}",
            self.shown
        );
        o
    }
}

fn drain(r: Option<Box<dyn std::io::Read + Send>>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut r) = r {
            let _ = r.read_to_end(&mut buf);
        }
        buf
    })
}

/// Whether sceau can be run as user `id` here (we are root and may drop to it); says
/// "skipped: …" otherwise.
#[cfg(unix)]
pub fn can_run_as(id: u32, why: &str) -> bool {
    use std::os::unix::process::CommandExt as _;
    match Command::new(bin())
        .arg("--version")
        .uid(id)
        .gid(id)
        .output()
    {
        Ok(o) if o.status.success() => true,
        other => {
            eprintln!("skipped: cannot run as uid {id} to test {why}: {other:?}");
            false
        }
    }
}

/// Hands the folder `t` to `nobody` (uid and gid 65534) and runs `sceau ARGS` as it: for
/// tests of file modes, which root ignores. None, saying "skipped: …", when privileges cannot
/// be dropped here.
#[cfg(unix)]
pub fn sceau_as_nobody(t: &Path, args: &[&str], why: &str) -> Option<Output> {
    const NOBODY: u32 = 65534;
    fn chown_all(p: &Path) {
        let _ = std::os::unix::fs::lchown(p, Some(NOBODY), Some(NOBODY));
        if p.is_dir() && !p.is_symlink() {
            for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
                chown_all(&e.path());
            }
        }
    }
    if !can_run_as(NOBODY, why) {
        return None;
    }
    chown_all(t);
    Some(Sceau::new().args(args).user(NOBODY).run())
}

/// `sceau ARGS`.
#[track_caller]
pub fn sceau(args: &[&str]) -> Output {
    Sceau::new().args(args).run()
}

/// `sceau ARGS` with the environment variables `env` set as well.
#[track_caller]
pub fn sceau_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    Sceau::new().args(args).envs(env).run()
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The exit code ([`Sceau::run`] has already failed a run killed by a signal).
pub fn code(o: &Output) -> i32 {
    o.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {}", stderr(o)))
}

/// Asserts exit code `want`, showing both outputs otherwise.
#[track_caller]
pub fn assert_exit(o: &Output, want: i32) {
    assert_eq!(
        code(o),
        want,
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

/// Asserts a refusal before any verification: exit 2 and exactly one `error:` line, which
/// contains each of `names` (the paths, keys, fields or values it must name). Returns standard
/// error.
#[track_caller]
pub fn assert_input_error(o: &Output, names: &[&str]) -> String {
    assert_exit(o, 2);
    let e = stderr(o);
    assert_eq!(
        e.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "expected one error in:\n{e}"
    );
    for p in names {
        assert!(e.contains(p), "error lacks {p:?}:\n{e}");
    }
    e
}
