"""Key and certificate material for sceau-oms's interop tests, made with Python `cryptography`.

    helper.py keygen CURVE PRIVATE.pem PUBLIC.pem      # CURVE: P-256, P-384, P-521
    helper.py pki DIR                                  # root CA, intermediate, signing cert
    helper.py sign PRIVATE.pem MESSAGE SIGNATURE       # DER ECDSA signature, curve's hash
    helper.py sign-model PRIVATE.pem MODEL SIG METHOD HASH SHARD_SIZE
                                                       # model_signing's API, key method

`pki` writes into DIR: root.pem (root CA), int.pem (intermediate), leaf.pem and leaf.key
(P-256 signing certificate with digitalSignature and codeSigning), other-root.pem (an
unrelated CA), and nousage.pem / nousage.key (a signing certificate with keyCertSign only).
"""
import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1}
HASHES = {256: hashes.SHA256, 384: hashes.SHA384, 521: hashes.SHA512}


def write_key(key, path):
    with open(path, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def write_cert(cert, path):
    with open(path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def cert(subject_key, subject, issuer_key, issuer, ca, usage, eku):
    now = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    b = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(name(issuer))
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=usage == "sign",
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca or usage == "certsign",
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
    return b.sign(issuer_key, hashes.SHA384())


def pki(out):
    root_key = ec.generate_private_key(ec.SECP384R1())
    root = cert(root_key, "test-root", root_key, "test-root", True, None, False)
    int_key = ec.generate_private_key(ec.SECP384R1())
    inter = cert(int_key, "test-intermediate", root_key, "test-root", True, None, False)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = cert(leaf_key, "test-signer", int_key, "test-intermediate", False, "sign", True)
    other_key = ec.generate_private_key(ec.SECP384R1())
    other = cert(other_key, "other-root", other_key, "other-root", True, None, False)
    nousage_key = ec.generate_private_key(ec.SECP256R1())
    nousage = cert(nousage_key, "no-usage", int_key, "test-intermediate", False, "certsign", False)
    write_cert(root, f"{out}/root.pem")
    write_cert(inter, f"{out}/int.pem")
    write_cert(leaf, f"{out}/leaf.pem")
    write_key(leaf_key, f"{out}/leaf.key")
    write_cert(other, f"{out}/other-root.pem")
    write_cert(nousage, f"{out}/nousage.pem")
    write_key(nousage_key, f"{out}/nousage.key")


def sign_model(private_key, model, signature, method, hash_type, shard_size):
    """Signs MODEL with model_signing's Python API: METHOD files|shards, HASH sha256|blake2|blake3."""
    import model_signing

    hashing = model_signing.hashing.Config().set_ignored_paths(paths=[signature], ignore_git_paths=True)
    if method == "shards":
        hashing.use_shard_serialization(hashing_algorithm=hash_type, shard_size=int(shard_size))
    else:
        hashing.use_file_serialization(hashing_algorithm=hash_type)
    model_signing.signing.Config().use_elliptic_key_signer(private_key=private_key).set_hashing_config(
        hashing
    ).sign(model, signature)


def main():
    cmd = sys.argv[1]
    if cmd == "keygen":
        key = ec.generate_private_key(CURVES[sys.argv[2]]())
        write_key(key, sys.argv[3])
        with open(sys.argv[4], "wb") as f:
            f.write(
                key.public_key().public_bytes(
                    serialization.Encoding.PEM,
                    serialization.PublicFormat.SubjectPublicKeyInfo,
                )
            )
    elif cmd == "pki":
        pki(sys.argv[2])
    elif cmd == "sign":
        with open(sys.argv[2], "rb") as f:
            key = serialization.load_pem_private_key(f.read(), None)
        with open(sys.argv[3], "rb") as f:
            message = f.read()
        sig = key.sign(message, ec.ECDSA(HASHES[key.curve.key_size]()))
        with open(sys.argv[4], "wb") as f:
            f.write(sig)
    elif cmd == "sign-model":
        sign_model(*sys.argv[2:8])
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
