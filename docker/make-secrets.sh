#!/bin/sh
# Creates the secret files docker/compose.yaml mounts, with random values; an existing file is
# kept, so running it again never changes a password already in use.
# Usage: docker/make-secrets.sh [DIR]   (default: docker/secrets beside this script)
set -eu
dir=${1:-$(dirname "$0")/secrets}
mkdir -p "$dir"
# The directory keeps other users out; the files must be readable by the containers' own users
# (the server's uid 1000, Prometheus's nobody, Grafana's 472), which see only the file itself.
chmod 700 "$dir"

random() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
put() {
  [ -s "$dir/$1" ] && return 0
  printf '%s\n' "$2" > "$dir/$1"
  chmod 644 "$dir/$1"
  echo "created $dir/$1"
}

pg=$(cat "$dir/postgres_password" 2>/dev/null || random)
put postgres_password "$pg"
put database_url "postgresql://stratavore:$pg@postgres:5432/stratavore"
put stratavore_secret "$(random)$(random)"
put admin_password "$(random)"
put metrics_token "$(random)"
put grafana_admin_password "$(random)"
put s3_access_key_id "stratavore"
put s3_secret_access_key "$(random)"
put redis_password "$(random)"
put rabbitmq_password "$(random)"
