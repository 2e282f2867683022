"""Writes a Hugging Face hub cache with huggingface_hub itself, for sceau's tests.

usage: hf_cache.py FILES_DIR CACHE_DIR REPO_ID COMMIT [--shared]

Serves FILES_DIR from a loopback stand-in for the hub's `resolve` endpoint (HEAD and GET
`/{REPO_ID}/resolve/{revision}/{path}`, with the headers the client reads: X-Repo-Commit,
ETag, and for LFS files X-Linked-Etag = the SHA-256 and X-Linked-Size), points
HF_ENDPOINT at it and downloads every file with `hf_hub_download` into CACHE_DIR: the classic
layout (snapshots/COMMIT/PATH -> ../../blobs/ETAG).

With --shared, every LFS file's blob is then published to the cache's shared blob store with
`huggingface_hub.utils._shared_blobs.publish_blob_to_shared_store`, as huggingface_hub >= 2.4
does after a Xet download (blobs/ETAG -> ../../blobs/XX/XETHASH). A Xet hash is a keyed
BLAKE3 Merkle root; the library does not check it, and sceau never computes it: the stand-in
used here is BLAKE2b-256 of the content.

Checks `scan_cache_dir` reads the cache back without a warning, then prints one JSON object:
{"version", "snapshot", "lfs": [paths], "shared": [store entries]}.
"""

import hashlib
import http.server
import json
import os
import sys
import threading

# A file is served as LFS (etag = its SHA-256) from this size, or by extension.
LFS_MIN = 10 * 1024
LFS_SUFFIXES = (".safetensors", ".bin", ".gguf")


def main():
    files_dir, cache_dir, repo_id, commit = sys.argv[1:5]
    shared = "--shared" in sys.argv[5:]

    files = {}
    for root, _dirs, names in os.walk(files_dir):
        for n in names:
            p = os.path.join(root, n)
            rel = os.path.relpath(p, files_dir).replace(os.sep, "/")
            with open(p, "rb") as f:
                files[rel] = f.read()

    def is_lfs(rel, data):
        return len(data) >= LFS_MIN or rel.endswith(LFS_SUFFIXES)

    prefix = f"/{repo_id}/resolve/"

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *_args):
            pass

        def _file(self):
            if not self.path.startswith(prefix):
                return None, None
            rest = self.path[len(prefix):].split("?", 1)[0]
            _revision, _, rel = rest.partition("/")
            return rel, files.get(rel)

        def _headers(self, rel, data):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Repo-Commit", commit)
            if is_lfs(rel, data):
                self.send_header("ETag", '"%s"' % hashlib.sha1(data).hexdigest())
                self.send_header("X-Linked-Etag", '"%s"' % hashlib.sha256(data).hexdigest())
                self.send_header("X-Linked-Size", str(len(data)))
            else:
                git_sha1 = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
                self.send_header("ETag", '"%s"' % git_sha1)
            self.end_headers()

        def do_HEAD(self):
            rel, data = self._file()
            if data is None:
                self.send_error(404)
                return
            self._headers(rel, data)

        def do_GET(self):
            rel, data = self._file()
            if data is None:
                self.send_error(404)
                return
            self._headers(rel, data)
            self.wfile.write(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    # huggingface_hub reads its settings when imported.
    os.environ["HF_ENDPOINT"] = f"http://127.0.0.1:{server.server_address[1]}"
    os.environ.pop("HF_HUB_OFFLINE", None)
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    # The library's own settings and token go beside the cache, never in the user's home.
    home = os.path.join(os.path.dirname(os.path.abspath(cache_dir)), "hf-home")
    os.environ["HF_HOME"] = home

    import huggingface_hub
    from huggingface_hub import hf_hub_download, scan_cache_dir

    snapshot = None
    for rel in sorted(files):
        p = hf_hub_download(repo_id, rel, cache_dir=cache_dir, token=False)
        snapshot = p[: -len(rel) - 1]
    server.shutdown()

    repo_dir = os.path.join(cache_dir, "models--" + repo_id.replace("/", "--"))
    lfs = sorted(r for r, d in files.items() if is_lfs(r, d))
    entries = []
    if shared:
        from huggingface_hub.utils._shared_blobs import publish_blob_to_shared_store

        for rel in lfs:
            data = files[rel]
            blob = os.path.join(repo_dir, "blobs", hashlib.sha256(data).hexdigest())
            xet = hashlib.blake2b(data, digest_size=32).hexdigest()
            ok = publish_blob_to_shared_store(
                blob_path=blob, xet_hash=xet, cache_dir=cache_dir, expected_size=len(data)
            )
            if not ok:
                sys.exit(f"publish_blob_to_shared_store refused {rel}")
            entries.append(os.path.abspath(os.path.join(cache_dir, "blobs", xet[:2], xet)))

    info = scan_cache_dir(cache_dir)
    if info.warnings:
        sys.exit(f"scan_cache_dir: {info.warnings}")
    repos = [r for r in info.repos if r.repo_id == repo_id]
    if len(repos) != 1 or not any(rev.commit_hash == commit for rev in repos[0].revisions):
        sys.exit(f"scan_cache_dir does not list {repo_id}@{commit}")

    json.dump(
        {
            "version": huggingface_hub.__version__,
            "snapshot": snapshot,
            "lfs": lfs,
            "shared": entries,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
