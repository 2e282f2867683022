"""Writes sslib-keyids.json: the key id securesystemslib gives each SPKI PEM public key under
openssl/ by default (SSlibKey.from_crypto(key).keyid), made ONCE with the real library; sceau's
PublicKey::dsse_keyid must give the same (spec/keys.md §1.3).

usage: python make-sslib-keyids.py   (with securesystemslib[crypto] installed)
"""

import json
import pathlib

import securesystemslib
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from securesystemslib.signer import SSlibKey

here = pathlib.Path(__file__).parent
out = {"securesystemslib": securesystemslib.__version__, "keyids": {}}
for pem in sorted((here / "openssl").glob("*.spki*.pem")):
    key = SSlibKey.from_crypto(load_pem_public_key(pem.read_bytes()))
    out["keyids"][f"openssl/{pem.name}"] = {
        "keytype": key.keytype,
        "scheme": key.scheme,
        "keyid": key.keyid,
    }
(here / "sslib-keyids.json").write_text(json.dumps(out, indent=2) + "\n")
