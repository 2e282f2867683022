//! The tree as a stream (spec/manifest.md §4): a walk that yields files in walk order — each
//! folder's entries by their NFC names, a folder's files before the siblings that follow its
//! name — holding one folder listing per level, and hashing on every core with results handed
//! back in that order, within a bounded window. Memory is bounded by the tree's depth and its
//! widest folder, not by its file count.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Mutex;

use sceau_core::{IgnoreRules, RelPath};
use unicode_normalization::UnicodeNormalization;

use crate::error::ScanError;
use crate::hash::{hash_entry, HashOptions, Need, Progress};
use crate::hf::{hf_snapshot, HfSnapshot};
use crate::stamp::Digests;
use crate::walk::{special_kind, FileEntry};

/// Most case twins named in warnings; more are counted.
pub const MAX_TWINS_NAMED: usize = 100;

struct Child {
    /// NFC name, the sort key.
    nfc: String,
    /// The name on disk.
    raw: String,
    is_dir: bool,
    is_symlink: bool,
    is_file: bool,
    kind: &'static str,
}

struct Frame {
    /// Path on disk below the root, as named on disk (`/`-separated), `""` for the root.
    raw: String,
    /// Children not yet visited, in reverse walk order (popped from the end).
    children: Vec<Child>,
}

/// The files of a tree in walk order (spec/manifest.md §2.2), refusing what spec/scan.md §1
/// refuses, as [`crate::walk()`] does.
pub struct Walker {
    root: PathBuf,
    hf: Option<HfSnapshot>,
    ignore: IgnoreRules,
    stack: Vec<Frame>,
    max_files: u64,
    files: u64,
    twins: Vec<(String, String)>,
    twins_total: u64,
    failed: bool,
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

impl Walker {
    /// Starts a walk of `root` (a directory) with `ignore`, refusing trees of more than
    /// `max_files` files.
    pub fn new(root: &Path, ignore: &IgnoreRules, max_files: u64) -> Result<Walker, ScanError> {
        let meta = fs_err::metadata(root).map_err(|e| ScanError::io(root, e))?;
        if !meta.is_dir() {
            return Err(ScanError::NotADirectory(root.to_owned()));
        }
        let root = root.canonicalize().map_err(|e| ScanError::io(root, e))?;
        let hf = hf_snapshot(&root);
        let mut w = Walker {
            root,
            hf,
            ignore: ignore.clone(),
            stack: Vec::new(),
            max_files,
            files: 0,
            twins: Vec::new(),
            twins_total: 0,
            failed: false,
        };
        w.open("")?;
        Ok(w)
    }

    /// The canonical root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Set when the root is a Hugging Face cache snapshot.
    pub fn hf(&self) -> Option<&HfSnapshot> {
        self.hf.as_ref()
    }

    /// Pairs of names that differ only by case, met so far (at most [`MAX_TWINS_NAMED`]),
    /// and how many in all.
    pub fn case_twins(&self) -> (&[(String, String)], u64) {
        (&self.twins, self.twins_total)
    }

    /// Files yielded so far.
    pub fn files(&self) -> u64 {
        self.files
    }

    fn open(&mut self, raw: &str) -> Result<(), ScanError> {
        let dir = self.root.join(raw);
        let rd = std::fs::read_dir(&dir).map_err(|e| ScanError::io(&dir, e))?;
        let mut children = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| ScanError::io(&dir, e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                return Err(ScanError::NonUtf8Name(entry.path()));
            };
            let ft = entry
                .file_type()
                .map_err(|e| ScanError::io(entry.path(), e))?;
            children.push(Child {
                nfc: name.nfc().collect(),
                raw: name.to_owned(),
                is_dir: ft.is_dir(),
                is_symlink: ft.is_symlink(),
                is_file: ft.is_file(),
                kind: special_kind(&ft),
            });
        }
        children.sort_unstable_by(|a, b| b.nfc.as_bytes().cmp(a.nfc.as_bytes()));
        for pair in children.windows(2) {
            if pair[0].nfc == pair[1].nfc {
                return Err(ScanError::NfcCollision {
                    first: join(raw, &pair[1].raw),
                    second: join(raw, &pair[0].raw),
                });
            }
        }
        // Names that differ only by case collide on case-insensitive file systems.
        if children.len() > 1 {
            let mut lower: Vec<(String, &str)> = children
                .iter()
                .map(|c| (c.nfc.to_lowercase(), c.raw.as_str()))
                .collect();
            lower.sort_unstable();
            for pair in lower.windows(2) {
                if pair[0].0 == pair[1].0 {
                    self.twins_total += 1;
                    if self.twins.len() < MAX_TWINS_NAMED {
                        self.twins
                            .push((join(raw, pair[0].1), join(raw, pair[1].1)));
                    }
                }
            }
        }
        self.stack.push(Frame {
            raw: raw.to_owned(),
            children,
        });
        Ok(())
    }

    fn step(&mut self) -> Result<Option<FileEntry>, ScanError> {
        loop {
            let Some(frame) = self.stack.last_mut() else {
                return Ok(None);
            };
            let Some(child) = frame.children.pop() else {
                self.stack.pop();
                continue;
            };
            let rel_str = join(&frame.raw, &child.raw);
            if child.is_dir {
                if !self.ignore.ignores_dir(&rel_str) {
                    self.open(&rel_str)?;
                }
                continue;
            }
            if self.ignore.ignores_path(&rel_str) {
                continue;
            }
            let path = self.root.join(&rel_str);
            let rel = RelPath::new_normalised(&rel_str).map_err(|source| ScanError::BadName {
                path: path.clone(),
                source,
            })?;
            let (m, via_symlink) = if child.is_symlink {
                (
                    crate::links::resolve(&path, &self.root, self.hf.as_ref())?.1,
                    true,
                )
            } else if child.is_file {
                (
                    std::fs::symlink_metadata(&path).map_err(|e| ScanError::io(&path, e))?,
                    false,
                )
            } else {
                return Err(ScanError::SpecialFile {
                    path,
                    kind: child.kind,
                });
            };
            if !m.is_file() {
                return Err(ScanError::SpecialFile {
                    path,
                    kind: if m.is_dir() {
                        "directory"
                    } else {
                        "special file"
                    },
                });
            }
            if self.files >= self.max_files {
                return Err(ScanError::TooManyFiles(
                    usize::try_from(self.max_files).unwrap_or(usize::MAX),
                ));
            }
            self.files += 1;
            return Ok(Some(FileEntry {
                rel,
                path,
                size: m.len(),
                via_symlink,
                file_id: crate::walk::file_id(&m),
                stamp: Some(crate::stamp::Stamp::of(&m)),
            }));
        }
    }
}

impl Iterator for Walker {
    type Item = Result<FileEntry, ScanError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.step() {
            Ok(e) => e.map(Ok),
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// One file to hash, with what the caller wants back with it.
pub struct Job<T> {
    /// The file.
    pub entry: FileEntry,
    /// What to compute.
    pub need: Need,
    /// Handed back with the digests.
    pub tag: T,
}

/// Most jobs between the walk and the caller: the reorder window (spec/manifest.md §4).
pub const WINDOW: usize = 4096;

type Done<T> = (u64, FileEntry, T, Result<Digests, ScanError>);

/// Hashes the files `jobs` yields, on `opts.threads` workers, and hands each to `sink` in the
/// order `jobs` yielded them. `jobs` runs on its own thread (it may walk and read); at most
/// [`WINDOW`] jobs are in flight. The first error — from `jobs`, a file, or `sink` — stops
/// everything and is returned.
pub fn hash_stream<T, E, I, S>(
    jobs: I,
    opts: &HashOptions<'_>,
    progress: &dyn Progress,
    mut sink: S,
) -> Result<(), E>
where
    T: Send,
    E: From<ScanError> + Send,
    I: Iterator<Item = Result<Job<T>, E>> + Send,
    S: FnMut(FileEntry, T, Digests) -> Result<(), E>,
{
    let threads = opts.threads.max(1);
    let cache = opts.cache;
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, Job<T>)>(WINDOW);
    let (done_tx, done_rx) = mpsc::sync_channel::<Done<T>>(WINDOW);
    // Credits bound the window: the feeder takes one per job, the sink gives it back.
    let (credit_tx, credit_rx) = mpsc::sync_channel::<()>(WINDOW);
    for _ in 0..WINDOW {
        let _ = credit_tx.send(());
    }
    let job_rx = Mutex::new(job_rx);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let stop = &stop;
    // Taken before any file is read, for the digest cache (spec/hashing.md §4.2).
    let started = std::time::SystemTime::now();
    std::thread::scope(|s| {
        // The feeder owns the job sender: when it is done, the workers see the end.
        let feeder = s.spawn(move || feed(jobs, job_tx, credit_rx, stop));
        for _ in 0..threads {
            let done_tx: SyncSender<Done<T>> = done_tx.clone();
            let job_rx = &job_rx;
            s.spawn(move || {
                let mut buf = vec![0u8; crate::hash::BUF_SIZE];
                loop {
                    let next = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, job)) = next else { return };
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        return;
                    }
                    let r = hash_entry(&job.entry, job.need, cache, started, &mut buf, progress);
                    if done_tx.send((seq, job.entry, job.tag, r)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let result = drain(&done_rx, &credit_tx, &mut sink);
        if result.is_err() {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        // Unblock the feeder and the workers whatever happened, then collect the feeder.
        drop(credit_tx);
        drop(done_rx);
        let fed = feeder
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        result.and(fed.map(|_| ()))
    })
}

fn feed<T, E, I>(
    jobs: I,
    job_tx: SyncSender<(u64, Job<T>)>,
    credit_rx: Receiver<()>,
    stop: &std::sync::atomic::AtomicBool,
) -> Result<u64, E>
where
    I: Iterator<Item = Result<Job<T>, E>>,
{
    let mut seq = 0u64;
    for job in jobs {
        if stop.load(std::sync::atomic::Ordering::Relaxed) || credit_rx.recv().is_err() {
            break;
        }
        let job = job?;
        if job_tx.send((seq, job)).is_err() {
            break;
        }
        seq += 1;
    }
    Ok(seq)
}

fn drain<T, E, S>(
    done_rx: &Receiver<Done<T>>,
    credit_tx: &SyncSender<()>,
    sink: &mut S,
) -> Result<(), E>
where
    E: From<ScanError>,
    S: FnMut(FileEntry, T, Digests) -> Result<(), E>,
{
    let mut next = 0u64;
    let mut early: BTreeMap<u64, (FileEntry, T, Result<Digests, ScanError>)> = BTreeMap::new();
    for (seq, entry, tag, r) in done_rx.iter() {
        early.insert(seq, (entry, tag, r));
        while let Some((entry, tag, r)) = early.remove(&next) {
            next += 1;
            let _ = credit_tx.send(());
            sink(entry, tag, r?)?;
        }
    }
    Ok(())
}
