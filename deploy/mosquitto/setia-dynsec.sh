#!/usr/bin/env bash
# deploy/mosquitto/setia-dynsec.sh -- the broker accounts of a hosted Setia,
# in Mosquitto's dynamic security plugin (deploy/mosquitto/setia.conf loads
# it; docs/operations.md, "The broker: one store cannot touch another").
#
#   setia-dynsec.sh init FILE ADMIN_PASSWORD_FILE
#       before the broker's first start: the plugin's file, with one
#       administrator account (setia-admin, which may only use the plugin's
#       control topic) and every default access denied.
#   setia-dynsec.sh daemon NAME PASSWORD_FILE [GROUP]
#       an account for setiad processes: read every store's sales, refunds
#       and lookups (as $share/GROUP/... when GROUP is given, setiad's
#       mqtt.shared_group), answer on every store's result, reply and
#       dead-letter topics.
#   setia-dynsec.sh pos STORE TILL PASSWORD_FILE
#       the account of one till of STORE: username and client id
#       STORE.TILL; it may publish only STORE's sale, refund and lookup
#       topics and read only STORE's result, reply and dead-letter topics.
#   setia-dynsec.sh disable-pos STORE TILL | enable-pos STORE TILL
#       a till's account refused (its live connection is closed) or let in.
#   setia-dynsec.sh disable-store STORE | enable-store STORE
#       the same for every till account of STORE (setiactl store disable
#       and enable run these).
#
# Every command but init talks to the running broker through the plugin's
# control topic with mosquitto_ctrl as setia-admin: the connection options
# (-h, -p, -u setia-admin, -P password, --cafile ...) are read from the file
# SETIA_DYNSEC_CTRL (default /etc/mosquitto/setia-ctrl.conf, mode 0600), one
# "-option value" per line as mosquitto_ctrl reads them, -i setia-admin
# among them (the admin account is bound to that client id). The topic
# prefix is SETIA_PREFIX (default setia, setiad's mqtt.topic_prefix).
#
# Why every account is bound to one client id: Mosquitto lets any account
# connect with any client id, and a connection with a client id in use
# takes over that session; a till could then kick setiad (or another till)
# off the broker. The plugin refuses an account's connection under any
# client id but the one bound to it. setiad's account is the one exception:
# each process opens two connections ({mqtt.client_id} and
# {mqtt.client_id}-answers) under one username; it is the operator's own
# account, kept off the shops' tills.
set -euo pipefail

PREFIX=${SETIA_PREFIX:-setia}
CTRL=${SETIA_DYNSEC_CTRL:-/etc/mosquitto/setia-ctrl.conf}
STORE_RE='^[a-z0-9][a-z0-9-]{0,62}$'
TILL_RE='^[a-z0-9][a-z0-9-]{0,30}$'

die() { printf 'setia-dynsec: %s\n' "$*" >&2; exit 2; }
usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# The first line of a file: a password never goes on a command line of its
# own (ps shows it); mosquitto_ctrl's -p does, for the moment it runs.
password_of() {
  [[ -r $1 ]] || die "cannot read the password file '$1'"
  local p
  IFS= read -r p <"$1" || true
  [[ -n $p ]] || die "the password file '$1' is empty"
  printf '%s' "$p"
}

# mosquitto_ctrl 2.0.11 reads its -o file before it parses -o (so it never
# reads it): it is given as $XDG_CONFIG_HOME/mosquitto_ctrl instead.
ctrl_home=
ctrl_raw() {
  if [[ -z $ctrl_home ]]; then
    [[ -r $CTRL ]] || die "cannot read the control connection file '$CTRL' (SETIA_DYNSEC_CTRL)"
    ctrl_home=$(mktemp -d)
    trap 'rm -rf "$ctrl_home"' EXIT
    ln -s "$(realpath "$CTRL")" "$ctrl_home/mosquitto_ctrl"
  fi
  XDG_CONFIG_HOME=$ctrl_home mosquitto_ctrl dynsec "$@" 2>&1 | grep -v -e '^Warning: You are running mosquitto_ctrl without encryption' \
    -e '^This means all of the configuration changes' -e '^$'
  return "${PIPESTATUS[0]}"
}

ctrl() {
  local out
  if ! out=$(ctrl_raw "$@"); then
    die "mosquitto_ctrl dynsec $1 ${2:-}: ${out:-failed}"
  fi
  # mosquitto_ctrl exits 0 on a refused command and says why.
  if grep -qi 'error' <<<"$out"; then die "mosquitto_ctrl dynsec $1 ${2:-}: $out"; fi
}

acl() { ctrl addRoleACL "$1" "$2" "$3" allow; }

cmd_init() {
  (($# == 2)) || usage
  local file=$1 pw
  [[ ! -e $file ]] || die "'$file' exists already: init makes a new file only"
  pw=$(password_of "$2")
  mosquitto_ctrl dynsec init "$file" setia-admin "$pw" >/dev/null
  # mosquitto_ctrl's default access lets every account receive every
  # message it subscribed to; here nothing is allowed that a role does not
  # grant. The admin keeps what init gave it: the plugin's control topic
  # (and, read-only, the broker's $SYS and every topic, for operators).
  # (mosquitto_ctrl writes each key once; only defaultACLAccess has a
  # "publishClientReceive" key, the roles name it as a value.)
  sed -i -e 's/"publishClientReceive":\([[:space:]]*\)true/"publishClientReceive":\1false/' \
    -e 's/^\([[:space:]]*\)"username":\([[:space:]]*\)"setia-admin",/&\n\1"clientid":\2"setia-admin",/' "$file"
  grep -q '"clientid":[[:space:]]*"setia-admin"' "$file" && ! grep -q '"publishClientReceive":[[:space:]]*true' "$file" ||
    die "$file: could not set the default access and the admin's client id (mosquitto_ctrl's format changed?)"
  chmod 0600 "$file"
  echo "setia-dynsec: $file: account setia-admin (client id setia-admin), all default access denied"
}

cmd_daemon() {
  (($# == 2 || $# == 3)) || usage
  local name=$1 pw group=${3:-} role=setia-daemon kind
  [[ $name =~ $TILL_RE || $name =~ $STORE_RE ]] || die "account name '$name' must match [a-z0-9][a-z0-9-]*"
  pw=$(password_of "$2")
  ctrl_raw getRole "$role" | grep -qi 'not found' && ctrl createRole "$role"
  for kind in sale refund lookup; do
    acl "$role" subscribeLiteral "$PREFIX/+/pos/$kind"
    [[ -z $group ]] || acl "$role" subscribeLiteral "\$share/$group/$PREFIX/+/pos/$kind"
    acl "$role" publishClientReceive "$PREFIX/+/pos/$kind"
  done
  acl "$role" publishClientSend "$PREFIX/+/pos/result"
  acl "$role" publishClientSend "$PREFIX/+/reply/#"
  acl "$role" publishClientSend "$PREFIX/+/deadletter"
  ctrl createClient "$name" -p "$pw"
  ctrl addClientRole "$name" "$role"
  echo "setia-dynsec: account $name (role $role${group:+, shared group $group})"
}

cmd_pos() {
  (($# == 3)) || usage
  local store=$1 till=$2 pw role user
  [[ $store =~ $STORE_RE ]] || die "store id '$store' must match [a-z0-9][a-z0-9-]{0,62}"
  [[ $till =~ $TILL_RE ]] || die "till '$till' must match [a-z0-9][a-z0-9-]{0,30}"
  pw=$(password_of "$3")
  role="setia-store-$store"
  user="$store.$till"
  if ctrl_raw getRole "$role" | grep -qi 'not found'; then
    ctrl createRole "$role"
    for kind in sale refund lookup; do acl "$role" publishClientSend "$PREFIX/$store/pos/$kind"; done
    acl "$role" subscribeLiteral "$PREFIX/$store/pos/result"
    acl "$role" subscribeLiteral "$PREFIX/$store/deadletter"
    acl "$role" subscribePattern "$PREFIX/$store/reply/#"
    acl "$role" publishClientReceive "$PREFIX/$store/pos/result"
    acl "$role" publishClientReceive "$PREFIX/$store/deadletter"
    acl "$role" publishClientReceive "$PREFIX/$store/reply/#"
  fi
  ctrl createClient "$user" -c "$user" -p "$pw"
  ctrl addClientRole "$user" "$role"
  echo "setia-dynsec: account $user (client id $user, role $role)"
}

cmd_toggle() {
  (($# == 3)) || usage
  [[ $2 =~ $STORE_RE && $3 =~ $TILL_RE ]] || die "store or till id not valid"
  ctrl "$1" "$2.$3"
  echo "setia-dynsec: $1 $2.$3"
}

# Every till account of a store (STORE.TILL), from listClients.
store_tills() {
  local out
  out=$(ctrl_raw listClients) || die "mosquitto_ctrl dynsec listClients: $out"
  grep -E "^[[:space:]]*$1\.[a-z0-9][a-z0-9-]{0,30}[[:space:]]*\$" <<<"$out" | sed 's/[[:space:]]//g' || true
}

cmd_toggle_store() {
  (($# == 2)) || usage
  [[ $2 =~ $STORE_RE ]] || die "store id '$2' must match [a-z0-9][a-z0-9-]{0,62}"
  local user n=0
  for user in $(store_tills "$2"); do
    ctrl "$1" "$user"
    n=$((n + 1))
  done
  echo "setia-dynsec: $1 on $n till account(s) of $2"
}

case ${1:-} in
  init) shift; cmd_init "$@" ;;
  daemon) shift; cmd_daemon "$@" ;;
  pos) shift; cmd_pos "$@" ;;
  disable-pos) shift; cmd_toggle disableClient "$@" ;;
  enable-pos) shift; cmd_toggle enableClient "$@" ;;
  disable-store) shift; cmd_toggle_store disableClient "$@" ;;
  enable-store) shift; cmd_toggle_store enableClient "$@" ;;
  *) usage ;;
esac
