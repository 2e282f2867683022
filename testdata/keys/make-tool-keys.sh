#!/usr/bin/env bash
# Makes the key files under testdata/keys/{minisign,signify,openssh,openssl}/ with the real
# tools, ONCE; the files are committed and the tests read them without the tools. Running it
# again makes new keys (new random secrets): the tests then still pass, but the per-tool
# READMEs record the versions of the run that made the committed files.
#
#   testdata/keys/make-tool-keys.sh          # needs minisign, signify-openbsd, ssh-keygen, openssl
#
# All of these are TEST keys whose secrets are public; the passphrases are in the READMEs.
set -euo pipefail
cd "$(dirname "$0")"

# The message every tool signs: the DSSE v1 pre-authentication encoding of the payload `{}`
# under the in-toto payload type (spec/record.md §1.2), 45 bytes, no line ending.
printf 'DSSEv1 28 application/vnd.in-toto+json 2 {}' >pae.bin

# --- minisign (Debian package minisign)
mkdir -p minisign && rm -f minisign/*.pub minisign/*.key minisign/*.minisig
minisign -G -W -p minisign/plain.pub -s minisign/plain.key
printf 'minisign test\nminisign test\n' | minisign -G -p minisign/encrypted.pub -s minisign/encrypted.key
minisign -S -l -s minisign/plain.key -x minisign/pae.bin.legacy.minisig -m pae.bin -t 'sceau test vector'
minisign -S -s minisign/plain.key -x minisign/pae.bin.minisig -m pae.bin -t 'sceau test vector'
minisign -v >minisign/VERSION

# --- signify (Debian package signify-openbsd)
mkdir -p signify && rm -f signify/*.pub signify/*.sec signify/*.sig
signify-openbsd -G -n -c 'sceau plain' -p signify/plain.pub -s signify/plain.sec
printf 'signify test\nsignify test\n' | signify-openbsd -G -c 'sceau encrypted' -p signify/encrypted.pub -s signify/encrypted.sec
signify-openbsd -S -s signify/plain.sec -x signify/pae.bin.sig -m pae.bin
dpkg-query -W -f '${Package} ${Version}\n' signify-openbsd >signify/VERSION

# --- OpenSSH (Debian package openssh-client)
mkdir -p openssh && rm -f openssh/ecdsa-* openssh/ed25519* openssh/rsa* openssh/github.keys openssh/authorized_keys
for bits in 256 384 521; do
  ssh-keygen -q -t ecdsa -b "$bits" -N '' -C "p$bits@sceau" -f "openssh/ecdsa-p$bits"
done
ssh-keygen -q -t ecdsa -b 384 -N 'correct horse' -C encrypted-p384@sceau -f openssh/ecdsa-p384-encrypted
ssh-keygen -q -t ed25519 -N '' -C ed25519@sceau -f openssh/ed25519
ssh-keygen -q -t rsa -b 1024 -N '' -C rsa@sceau -f openssh/rsa
rm openssh/rsa            # only the public half is used (an algorithm sceau skips)
ssh-keygen -q -t rsa -b 1024 -N 'x' -C rsa-encrypted@sceau -f openssh/rsa-encrypted
rm openssh/rsa-encrypted.pub  # only the private half: refused before any passphrase is asked
# A GitHub https://github.com/USER.keys file: one key per line, no comments.
for k in ed25519 rsa ecdsa-p256 ecdsa-p521; do cut -d' ' -f1-2 "openssh/$k.pub"; done >openssh/github.keys
# An authorized_keys file: options written by hand (as administrators do) before real keys.
{
  echo '# sceau test authorized_keys'
  printf 'no-pty,from="10.0.0.1,192.168.1.*" %s\n' "$(cat openssh/ed25519.pub)"
  echo
  printf 'command="echo hello, world",restrict %s\n' "$(cat openssh/ecdsa-p256.pub)"
  cat openssh/rsa.pub
  printf 'environment="A=b c" %s\n' "$(cat openssh/ecdsa-p384.pub)"
} >openssh/authorized_keys
ssh -V 2>openssh/VERSION

# --- OpenSSL (Debian package openssl)
mkdir -p openssl && rm -f openssl/*.pem openssl/*.sig
pass='openssl test'
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out openssl/p256.pkcs8.pem
openssl pkey -in openssl/p256.pkcs8.pem -pubout -out openssl/p256.spki.pem
openssl ec -in openssl/p256.pkcs8.pem -pubout -conv_form compressed -out openssl/p256.spki-compressed.pem
openssl ec -in openssl/p256.pkcs8.pem -out openssl/p256.sec1.pem
openssl pkcs8 -topk8 -in openssl/p256.pkcs8.pem -scrypt -passout "pass:$pass" -out openssl/p256.pkcs8-scrypt.pem
openssl pkcs8 -topk8 -in openssl/p256.pkcs8.pem -v2 aes-256-cbc -v2prf hmacWithSHA1 -passout "pass:$pass" -out openssl/p256.pkcs8-sha1.pem
openssl ec -in openssl/p256.pkcs8.pem -aes256 -passout "pass:$pass" -out openssl/p256.sec1-legacy-encrypted.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-256-cbc -pass "pass:$pass" -out openssl/p256.pkcs8-pbkdf2.pem
openssl pkey -in openssl/p256.pkcs8-pbkdf2.pem -passin "pass:$pass" -pubout -out openssl/p256.pkcs8-pbkdf2.spki.pem
openssl ecparam -name secp384r1 -genkey -out openssl/p384.ecparam.pem
openssl pkey -in openssl/p384.ecparam.pem -pubout -out openssl/p384.spki.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out openssl/p521.pkcs8.pem
openssl pkey -in openssl/p521.pkcs8.pem -pubout -out openssl/p521.spki.pem
openssl genpkey -algorithm ed25519 -aes-256-cbc -pass "pass:$pass" -out openssl/ed25519.pkcs8-pbkdf2.pem
openssl pkey -in openssl/ed25519.pkcs8-pbkdf2.pem -passin "pass:$pass" -pubout -out openssl/ed25519.spki.pem
openssl dgst -sha256 -sign openssl/p256.pkcs8.pem -out openssl/pae.bin.p256.sig pae.bin
openssl dgst -sha384 -sign openssl/p384.ecparam.pem -out openssl/pae.bin.p384.sig pae.bin
openssl dgst -sha512 -sign openssl/p521.pkcs8.pem -out openssl/pae.bin.p521.sig pae.bin
openssl version >openssl/VERSION
