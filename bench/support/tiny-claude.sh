#!/bin/bash
# The smallest claude bench/fleet can run a thousand of (bash, a few megabytes each, and no
# process forked per response, so the machine's load is the product's): it answers --version,
# takes its session id from --session-id/--resume, prints a banner, and every
# FAKE_CLAUDE_EVERY_S seconds appends one assistant response with usage to its transcript (the
# real layout: <config>/projects/<cwd, non-alphanumerics as '-'>/<session>.jsonl, timestamped
# when written) and prints a line to the terminal. TERM/HUP end it at once.
if [ "$1" = "--version" ]; then
  echo "2.1.328 (Claude Code)"
  exit 0
fi
sid=""
model="claude-sonnet-4-5"
while [ $# -gt 0 ]; do
  case "$1" in
    --session-id | --resume | -r) sid="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    *) shift ;;
  esac
done
[ -n "$sid" ] || read -r sid < /proc/sys/kernel/random/uuid
dir="${CLAUDE_CONFIG_DIR:-$HOME/.claude}/projects/${PWD//[^A-Za-z0-9]/-}"
mkdir -p "$dir"
file="$dir/$sid.jsonl"
trap 'exit 0' TERM HUP INT
export TZ=UTC # the %(…)T timestamps below are UTC, as claude writes them
printf 'tiny claude %s\r\n> ' "$sid"
tag=${sid//-/}
n=0
parent=null
while :; do
  # Waits on the terminal (nobody types): a sleep without forking one.
  read -r -t "${FAKE_CLAUDE_EVERY_S:-5}" _
  n=$((n + 1))
  read -r uuid < /proc/sys/kernel/random/uuid
  now=$EPOCHREALTIME
  printf -v ts '%(%Y-%m-%dT%H:%M:%S)T.%sZ' "${now%.*}" "${now#*.}"
  ts="${ts:0:23}Z"
  printf '{"parentUuid":%s,"isSidechain":false,"userType":"external","cwd":"%s","sessionId":"%s","version":"2.1.328","type":"assistant","requestId":"req_%s_%d","message":{"id":"msg_%s_%d","type":"message","role":"assistant","model":"%s","content":[{"type":"text","text":"tick %d"}],"stop_reason":"end_turn","usage":{"input_tokens":4,"cache_creation_input_tokens":0,"cache_read_input_tokens":100,"output_tokens":10,"service_tier":"standard"}},"uuid":"%s","timestamp":"%s"}\n' \
    "$parent" "$PWD" "$sid" "$tag" "$n" "$tag" "$n" "$model" "$n" "$uuid" "$ts" >> "$file"
  parent="\"$uuid\""
  printf 'working %d\r\n' "$n"
done
