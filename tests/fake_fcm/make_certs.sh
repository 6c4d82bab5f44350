#!/usr/bin/env bash
# tests/fake_fcm/make_certs.sh DIR -- the keys and certificates fake_fcm.py
# and its clients need, made fresh in DIR with the openssl CLI (nothing is
# kept in the repo):
#
#   ca.pem               the test CA the client trusts (FcmOptions::ca_file)
#   server.pem/.key      the fake's certificate for 127.0.0.1, signed by ca.pem
#   other-ca.pem         a CA that signed nothing here (a wrong ca_file)
#   sa.key / sa.pub      the service account's key (PKCS#8 PEM) and the public
#                        half the fake verifies JWTs with
#   other-sa.key         a key the fake does not know (a forged assertion)
set -euo pipefail
dir=${1:?usage: make_certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
ossl() { openssl "$@" 2>/dev/null; }
# TLS keys are P-256 (instant to make); only the service account's must be
# RSA, for RS256.
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1)

for ca in ca other-ca; do
  ossl req -x509 "${ec[@]}" -nodes -keyout "$ca.key" -out "$ca.pem" -days 2 \
    -subj "/CN=Setia $ca for tests" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
done

ossl req "${ec[@]}" -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' >server.ext
ossl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext

for key in sa other-sa; do
  ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$key.key"
done
ossl pkey -in sa.key -pubout -out sa.pub
