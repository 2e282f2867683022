use sceau_core::{RelPath, Sha256Digest};

use crate::*;

fn d(n: u8) -> Sha256Digest {
    Sha256Digest([n; 32])
}

fn write(files: &[(&str, u64, u8)]) -> (Vec<u8>, Vec<ClosedDir>, Summary) {
    let mut w = ManifestWriter::new(Vec::new()).unwrap();
    let mut closed = Vec::new();
    for (p, size, n) in files {
        closed.extend(w.add(&RelPath::new(p).unwrap(), *size, d(*n)).unwrap());
    }
    let (last, summary, out) = w.finish().unwrap();
    closed.extend(last);
    (out, closed, summary)
}

const TREE: &[(&str, u64, u8)] = &[
    ("a/b/1.jpg", 10, 1),
    ("a/b/2.jpg", 20, 2),
    ("a/c.txt", 5, 3),
    ("a.txt", 1, 4),
    ("config.json", 7, 5),
    ("z/y/x/w.bin", 100, 6),
];

#[test]
fn writes_and_reads_back_every_file_and_folder() {
    let (bytes, closed, summary) = write(TREE);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with("sceau-manifest/1\nF "));
    assert!(text.ends_with(" 6 143 ./\n"), "{text}");
    let dirs: Vec<&str> = closed.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(dirs, ["a/b", "a", "z/y/x", "z/y", "z", ""]);
    assert_eq!(closed[1].files, 3);
    assert_eq!(closed[1].bytes, 35);

    let mut r = ManifestReader::new(&bytes[..]).unwrap();
    let mut files = Vec::new();
    let mut folders = Vec::new();
    for e in &mut r {
        match e.unwrap() {
            Entry::File { path, .. } => files.push(path.as_str().to_owned()),
            Entry::Dir(c) => folders.push(c),
        }
    }
    assert_eq!(files, TREE.iter().map(|t| t.0).collect::<Vec<_>>());
    assert_eq!(folders, closed);
    let back = ManifestReader::new(&bytes[..]).unwrap().finish().unwrap();
    assert_eq!(back, summary);
    assert_eq!(summary.len, bytes.len() as u64);
}

#[test]
fn a_folder_root_depends_only_on_what_is_below_it() {
    let (_, c1, _) = write(TREE);
    let moved: Vec<(&str, u64, u8)> = vec![
        ("other/b/1.jpg", 10, 1),
        ("other/b/2.jpg", 20, 2),
        ("x.txt", 5, 3),
    ];
    let (_, c2, _) = write(&moved);
    let root_of = |c: &[ClosedDir], p: &str| c.iter().find(|x| x.path == p).unwrap().root;
    assert_eq!(root_of(&c1, "a/b"), root_of(&c2, "other/b"));
    // One file's digest changes every root above it, and no other.
    let mut changed = TREE.to_vec();
    changed[0].2 = 9;
    let (_, c3, s3) = write(&changed);
    assert_ne!(root_of(&c1, "a/b"), root_of(&c3, "a/b"));
    assert_ne!(root_of(&c1, "a"), root_of(&c3, "a"));
    assert_eq!(root_of(&c1, "z"), root_of(&c3, "z"));
    assert_ne!(root_of(&c1, ""), s3.root);
}

#[test]
fn the_writer_refuses_files_out_of_walk_order_or_twice() {
    let mut w = ManifestWriter::new(Vec::new()).unwrap();
    w.add(&RelPath::new("a/b").unwrap(), 1, d(1)).unwrap();
    w.add(&RelPath::new("a.txt").unwrap(), 1, d(1)).unwrap();
    for bad in ["a/c", "a.txt", "a"] {
        let e = w.add(&RelPath::new(bad).unwrap(), 1, d(1)).unwrap_err();
        assert!(matches!(e.reason, Reason::Order { .. }), "{bad}: {e}");
    }
}

fn read_all(bytes: &[u8]) -> Result<Summary, ManifestError> {
    let mut r = ManifestReader::new(bytes)?;
    for e in &mut r {
        e?;
    }
    r.finish()
}

#[test]
fn the_reader_refuses_any_alteration() {
    let (bytes, _, _) = write(TREE);
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let join = |ls: &[&str]| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
    let changed_digest = text.replacen(&"01".repeat(32), &"0f".repeat(32), 1);
    let dropped_file = join(&[&lines[..1], &lines[2..]].concat());
    let dropped_dir = join(&[&lines[..3], &lines[4..]].concat());
    let swapped = join(&[&lines[..1], &[lines[2], lines[1]], &lines[3..]].concat());
    let size = text.replacen(" 10 a/b/1.jpg", " 11 a/b/1.jpg", 1);
    type Case<'a> = (&'a str, String, fn(&Reason) -> bool);
    let cases: Vec<Case<'_>> = vec![
        ("digest", changed_digest, |r| {
            matches!(r, Reason::Root { .. })
        }),
        ("size", size, |r| matches!(r, Reason::Root { .. })),
        ("dropped file", dropped_file, |r| {
            matches!(r, Reason::Root { .. })
        }),
        ("dropped folder line", dropped_dir, |r| {
            matches!(r, Reason::Nesting { .. })
        }),
        ("swapped", swapped, |r| matches!(r, Reason::Order { .. })),
        ("truncated", join(&lines[..lines.len() - 1]), |r| {
            matches!(r, Reason::Truncated(_))
        }),
        ("no final newline", text.trim_end().to_owned(), |r| {
            matches!(r, Reason::Truncated(_))
        }),
        ("trailing", format!("{text}{}\n", lines[1]), |r| {
            matches!(r, Reason::Trailing)
        }),
        (
            "header",
            text.replacen("sceau-manifest/1", "sceau-manifest/2", 1),
            |r| matches!(r, Reason::Header { .. }),
        ),
        ("bad path", text.replacen("a.txt", "../a.txt", 1), |r| {
            matches!(r, Reason::Path { .. })
        }),
        (
            "long line",
            format!("sceau-manifest/1\nF {}\n", "x".repeat(MAX_LINE_BYTES + 10)),
            |r| matches!(r, Reason::LineTooLong),
        ),
    ];
    for (what, bytes, want) in cases {
        let e = read_all(bytes.as_bytes()).unwrap_err();
        assert!(want(&e.reason), "{what}: {e}");
    }
}

#[test]
fn an_empty_tree_has_a_manifest_too() {
    let (bytes, closed, s) = write(&[]);
    assert_eq!(closed.len(), 1);
    assert_eq!(s.files, 0);
    assert_eq!(read_all(&bytes).unwrap(), s);
}

#[test]
fn parts_round_trip_and_refuse_truncation() {
    let header = PartHeader {
        listing: d(7),
        shard: "2/3".parse().unwrap(),
        files: 10,
    };
    let mut w = PartWriter::new(Vec::new(), header).unwrap();
    for (p, s, n) in &TREE[..3] {
        w.add(&RelPath::new(p).unwrap(), *s, d(*n)).unwrap();
    }
    assert!(w.add(&RelPath::new("a/b/0.jpg").unwrap(), 1, d(0)).is_err());
    let (count, bytes) = w.finish().unwrap();
    assert_eq!(count, 3);
    let r = PartReader::new(&bytes[..]).unwrap();
    assert_eq!(r.header(), header);
    let files: Vec<_> = r.map(Result::unwrap).collect();
    assert_eq!(files.len(), 3);
    assert_eq!(files[2].0.as_str(), "a/c.txt");

    let text = String::from_utf8(bytes).unwrap();
    let cut = text.replace("E 3\n", "");
    let e = PartReader::new(cut.as_bytes())
        .unwrap()
        .find_map(Result::err)
        .unwrap();
    assert!(matches!(e.reason, Reason::Truncated(_)), "{e}");
    let lied = text.replace("E 3\n", "E 4\n");
    assert!(PartReader::new(lied.as_bytes())
        .unwrap()
        .any(|r| r.is_err()));
    assert!(PartReader::new(&b"sceau-part/1 xx 1/2 3\n"[..]).is_err());
}
