"""Sign a payload into a new DSSE envelope with securesystemslib, independently of sceau.

usage: sign_envelope.py SCEAU_RECORD OUT_ENVELOPE OUT_SPKI_PEM [PAYLOAD_TYPE]

Takes the payload bytes of an existing sceau record (base64-decoded, unchanged), makes a fresh
ed25519 key with pyca/cryptography, signs a DSSE envelope over them with securesystemslib's
CryptoSigner, and writes the envelope JSON (Envelope.to_dict) and the public key as SPKI PEM.
The signature's keyid is securesystemslib's own (not sceau's key id). Prints the keyid.
"""

import base64
import json
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from securesystemslib.dsse import Envelope
from securesystemslib.signer import CryptoSigner

IN_TOTO = "application/vnd.in-toto+json"


def main() -> int:
    record, out, pem = sys.argv[1:4]
    payload_type = sys.argv[4] if len(sys.argv) > 4 else IN_TOTO
    with open(record, "rb") as f:
        payload = base64.b64decode(json.load(f)["payload"], validate=True)

    private = Ed25519PrivateKey.generate()
    signer = CryptoSigner(private)
    envelope = Envelope(payload=payload, payload_type=payload_type, signatures={})
    signature = envelope.sign(signer)
    # Check our own work with securesystemslib before handing it to sceau.
    envelope.verify([signer.public_key], 1)

    with open(out, "w", encoding="utf-8") as f:
        json.dump(envelope.to_dict(), f, indent=2)
    with open(pem, "wb") as f:
        f.write(
            private.public_key().public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo,
            )
        )
    print(signature.keyid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
